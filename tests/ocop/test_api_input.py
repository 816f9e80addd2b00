"""A claim sent as JSON is refused clearly instead of being read as no fields."""

from marketplace.ocop.models import OcopClaim
from tests.shopping import count

from .helpers import Seller


def test_a_json_body_is_refused_with_415_and_changes_nothing(app, client, factory):
    seller = Seller(app, client, factory)
    claim_id = seller.claim(stars="4")
    url = f"/api/v1/products/{seller.product.id}/ocop-claim"
    response = client.patch(url, json={"stars": 5}, headers=seller.headers)
    assert response.status_code == 415 and response.mimetype == "application/problem+json"
    assert "multipart/form-data" in response.json["detail"]
    assert client.get(url, headers=seller.headers).json["stars"] == 4
    other = factory.product(seller.owner, seller.shop, title="Sáp ong U Minh")
    response = client.post(f"/api/v1/products/{other.id}/ocop-claims", json={"stars": 4}, headers=seller.headers)
    assert response.status_code == 415
    assert count(app, OcopClaim) == 1
    # An empty PATCH is still a PATCH that changes nothing, and multipart still works.
    assert client.patch(url, headers=seller.headers).status_code == 200
    response = client.patch(url, data={"stars": "5"}, headers=seller.headers, content_type="multipart/form-data")
    assert response.status_code == 200 and response.json["stars"] == 5 and claim_id == response.json["id"]


def test_a_nul_in_a_claim_is_refused_before_anything_is_stored(app, client, factory):
    seller = Seller(app, client, factory)
    response = seller.claim_api(decision_number="12\x00/QĐ")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert count(app, OcopClaim) == 0
