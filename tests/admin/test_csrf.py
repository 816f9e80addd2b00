"""Every new form (OCOP claim and queue, batches, moderation) refuses a post without
its CSRF token when CSRF is on, as in a deployment, and changes nothing."""

from marketplace.audit.models import AuditEntry
from marketplace.ocop.models import OcopClaim
from marketplace.traceability.models import Batch
from tests.accounts.test_security import csrf_app, csrf_token_from  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.ocop.helpers import Seller, claim_fields, with_file
from tests.shopping import count
from tests.traceability.conftest import batch_payload


def _login(client, user) -> None:
    token = csrf_token_from(client)
    response = client.post("/account/login", data={"login": user.login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_new_forms_need_their_csrf_token(app, client, factory, csrf_app):  # noqa: F811
    seller = Seller(app, client, factory)
    claim_id = seller.claim()
    batch = client.post(f"/api/v1/products/{seller.product.id}/batches", json=batch_payload(),
                        headers=seller.headers).json
    other = factory.product(seller.owner, seller.shop, title="Sáp ong rừng")

    shop_client = csrf_app.test_client()
    _login(shop_client, seller.owner)
    for url, data in (
        (f"/seller/batches/{batch['id']}/delete", {}),
        (f"/seller/batches/{batch['id']}/edit", {"code": "L-KHAC", "production_date": "2025-10-12"}),
        (f"/seller/products/{seller.product.id}/batches/new", {"code": "L-MOI", "production_date": "2025-10-12"}),
        (f"/seller/products/{seller.product.id}/ocop/withdraw", {}),
        (f"/seller/products/{other.id}/ocop", with_file(claim_fields())),
    ):
        assert shop_client.post(url, data=data).status_code == 400, url
    admin_client = csrf_app.test_client()
    _login(admin_client, seller.admin)
    for url, data in (
        (f"/admin/ocop/{claim_id}/approve", {}),
        (f"/admin/ocop/{claim_id}/reject", {f"c{claim_id}-reason": "Ảnh mờ quá"}),
        (f"/admin/products/{seller.product.id}/hide", {"reason": "Hàng giả mạo"}),
        (f"/admin/shops/{seller.shop.id}/hide", {"reason": "Hàng giả mạo"}),
        (f"/admin/shops/{seller.shop.id}/verify", {"verified": "1"}),
    ):
        assert admin_client.post(url, data=data).status_code == 400, url

    assert count(app, Batch) == 1 and count(app, OcopClaim) == 1 and count(app, AuditEntry) == 0
    assert client.get(f"/api/v1/products/{seller.product.id}/batches/{batch['id']}",
                      headers=seller.headers).json["code"] == "L2510-01"
    assert client.get(f"/products/{seller.product.slug}").status_code == 200
    # With its token the same form works: the test is about the token, not a broken form.
    page = shop_client.get(f"/seller/batches/{batch['id']}/edit").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    assert shop_client.post(f"/seller/batches/{batch['id']}/delete", data={"csrf_token": token}).status_code == 302
    assert count(app, Batch) == 0
