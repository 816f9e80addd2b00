"""Moderation over the JSON API: admins only (401, 403 before the body is read), problem+json errors,
the same effects as the pages."""

import pytest

from marketplace.audit.models import AuditEntry
from marketplace.shops.models import Shop
from tests.conftest import token_for
from tests.shopping import assert_problem, count

ENDPOINTS = [
    ("get", "/api/v1/admin/shops"),
    ("post", "/api/v1/admin/shops/{shop}/verify"),
    ("post", "/api/v1/admin/shops/{shop}/unverify"),
    ("post", "/api/v1/admin/shops/{shop}/hide"),
    ("post", "/api/v1/admin/shops/{shop}/unhide"),
    ("post", "/api/v1/admin/products/{product}/hide"),
    ("post", "/api/v1/admin/products/{product}/unhide"),
    ("get", "/api/v1/admin/figures"),
]


def call(client, method, path, shop, product, headers=None, body=None):
    url = path.format(shop=shop.id, product=product.id)
    if method == "get":
        return client.get(url, headers=headers or {})
    return client.post(url, headers=headers or {}, json=body if body is not None else {"reason": 7})


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_token_is_401_and_a_sellers_token_is_403_whatever_the_body(app, client, seller, shop, product,
                                                                      method, path):
    response = call(client, method, path, shop, product)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
    assert response.mimetype == "application/problem+json"
    assert_problem(call(client, method, path, shop, product, token_for(client, seller)), 403)
    assert count(app, AuditEntry) == 0
    assert count(app, Shop, Shop.is_verified.is_(True)) == 0
    assert count(app, Shop, Shop.hidden_by_admin_at.is_not(None)) == 0


def test_hide_and_unhide_a_product_over_the_api(app, client, admin, shop, product):
    headers = token_for(client, admin)
    body = assert_problem(client.post(f"/api/v1/admin/products/{product.id}/hide", headers=headers,
                                      json={"reason": " "}), 422, "reason")
    assert "Vui lòng ghi lý do" in body["detail"]
    assert_problem(client.post(f"/api/v1/admin/products/{product.id}/hide", headers=headers, json={}), 422, "reason")
    assert count(app, AuditEntry) == 0

    hidden = client.post(f"/api/v1/admin/products/{product.id}/hide", headers=headers,
                         json={"reason": "Hàng cấm bán online"})
    assert hidden.status_code == 200
    assert hidden.json["is_public"] is False and hidden.json["moderation"]["reason"] == "Hàng cấm bán online"
    assert hidden.json["status"] == "active"  # the seller's own status is untouched
    assert client.get(f"/api/v1/products/{product.id}").status_code == 404
    assert_problem(client.post(f"/api/v1/admin/products/{product.id}/hide", headers=headers,
                               json={"reason": "Hàng cấm bán online"}), 409)

    shown = client.post(f"/api/v1/admin/products/{product.id}/unhide", headers=headers, json={})
    assert shown.status_code == 200 and shown.json["moderation"] is None and shown.json["is_public"] is True
    assert client.get(f"/api/v1/products/{product.id}").status_code == 200
    assert_problem(client.post("/api/v1/admin/products/999999/unhide", headers=headers, json={}), 404)
    assert count(app, AuditEntry) == 2


def test_verify_hide_and_list_shops_over_the_api(app, client, admin, shop, product):
    headers = token_for(client, admin)
    assert client.post(f"/api/v1/admin/shops/{shop.id}/verify", headers=headers, json={}).json["is_verified"]
    assert_problem(client.post(f"/api/v1/admin/shops/{shop.id}/verify", headers=headers, json={}), 409)
    hidden = client.post(f"/api/v1/admin/shops/{shop.id}/hide", headers=headers, json={"reason": "Bán hàng giả"})
    assert hidden.json["moderation"]["reason"] == "Bán hàng giả"
    listed = client.get("/api/v1/admin/shops", headers=headers, query_string={"show": "hidden"}).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == shop.id
    assert_problem(client.get("/api/v1/admin/shops", headers=headers, query_string={"show": "bogus"}), 422)
    assert client.get(f"/api/v1/shops/{shop.slug}").status_code == 404
    figures = client.get("/api/v1/admin/figures", headers=headers).json
    assert len(figures["months"]) == 12 and figures["shops"] == 1 and figures["shops_verified"] == 1
    assert figures["products"] == 1 and figures["products_public"] == 0
