"""The admin approves the claim they looked at, not one the shop changed since."""

from marketplace.audit.models import AuditEntry
from tests.conftest import login
from tests.shopping import count

from .helpers import Seller, with_file


def _seen(page: str, claim_id: int) -> str:
    form = page[page.index(f'action="/admin/ocop/{claim_id}/approve'):]
    marker = 'name="seen" value="'
    start = form.index(marker) + len(marker)
    return form[start:form.index('"', start)]


def test_a_claim_changed_after_the_queue_was_drawn_is_not_approved(app, client, factory):
    seller = Seller(app, client, factory)
    claim_id = seller.claim(stars="3")
    admin = app.test_client()
    login(admin, seller.admin)
    seen = _seen(admin.get("/admin/ocop").get_data(as_text=True), claim_id)

    # Meanwhile the shop raises its stars and sends another certificate; the claim stays pending.
    response = client.patch(f"/api/v1/products/{seller.product.id}/ocop-claim", headers=seller.headers,
                            data=with_file({"stars": "5"}), content_type="multipart/form-data")
    assert response.status_code == 200 and response.json["status"] == "pending"

    stale = admin.post(f"/admin/ocop/{claim_id}/approve", data={"seen": seen})
    assert stale.status_code == 409 and "vừa sửa hồ sơ" in stale.get_data(as_text=True)
    assert client.get(f"/api/v1/products/{seller.product.id}/ocop-claim", headers=seller.headers).json[
        "status"] == "pending"
    assert count(app, AuditEntry) == 0 and seller.product_api()["ocop"] is None

    fresh = _seen(admin.get("/admin/ocop").get_data(as_text=True), claim_id)
    assert admin.post(f"/admin/ocop/{claim_id}/approve", data={"seen": fresh}).status_code == 302
    assert seller.product_api()["ocop"]["stars"] == 5
