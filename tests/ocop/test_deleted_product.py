"""A claim whose product the shop deleted leaves the admins' queue and cannot be approved."""

from marketplace.audit.models import AuditEntry
from tests.conftest import login
from tests.shopping import count

from .helpers import Seller


def test_a_deleted_products_claim_leaves_the_queue(app, client, factory):
    seller = Seller(app, client, factory)
    gone = seller.claim()
    kept_product = factory.product(seller.owner, seller.shop, title="Sáp ong U Minh")
    kept = seller.claim(product_id=kept_product.id)
    login(client, seller.owner)
    assert client.post(f"/seller/products/{seller.product.id}/delete").status_code == 302

    listed = client.get("/api/v1/admin/ocop-claims", headers=seller.admin_headers).json
    assert listed["total"] == 1 and [c["id"] for c in listed["items"]] == [kept]
    admin = app.test_client()
    login(admin, seller.admin)
    assert '<span class="count">1</span>' in admin.get("/admin/").get_data(as_text=True)
    assert "Mật ong U Minh nguyên chất" not in admin.get("/admin/ocop?status=all").get_data(as_text=True)
    assert admin.post(f"/admin/ocop/{gone}/approve").status_code == 404
    assert seller.approve(gone).status_code == 404
    assert count(app, AuditEntry) == 0
    assert seller.approve(kept).status_code == 200
