"""Admin input that once ended in a 500 (on PostgreSQL, or on both databases)."""

from marketplace.audit.models import AuditEntry
from tests.conftest import token_for
from tests.shopping import count

HUGE = "99999999999999999999"


def test_a_reason_with_a_nul_character_is_refused_and_hides_nothing(app, client, admin, shop, product, as_admin):
    response = as_admin.post(f"/admin/products/{product.id}/hide", data={"reason": "Hàng giả\x00 mạo"})
    assert response.status_code == 400
    assert "Dữ liệu gửi lên có ký tự không hợp lệ." in response.get_data(as_text=True)
    api = app.test_client()
    response = api.post(f"/api/v1/admin/shops/{shop.id}/hide", json={"reason": "Hàng giả\x00 mạo"},
                        headers=token_for(api, admin))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert count(app, AuditEntry) == 0
    assert client.get(f"/products/{product.slug}").status_code == 200


def test_admin_lists_survive_a_search_with_a_nul_and_a_huge_page(as_admin):
    for url in ("/admin/shops?q=%00", "/admin/users?q=a%00b"):
        assert as_admin.get(url).status_code == 400, url
    for url in ("/admin/ocop", "/admin/shops", "/admin/users", "/admin/audit"):
        response = as_admin.get(f"{url}?page={HUGE}")
        assert response.status_code == 200, url


def test_admin_routes_answer_404_for_an_id_too_large_for_the_database(as_admin):
    for url in (f"/admin/ocop/{HUGE}/approve", f"/admin/ocop/{HUGE}/reject", f"/admin/shops/{HUGE}/verify",
                f"/admin/products/{HUGE}/unhide", f"/admin/users/{HUGE}/enable"):
        assert as_admin.post(url).status_code == 404, url
    assert as_admin.get(f"/admin/shops/{HUGE}").status_code == 404
