"""Accounts and roles: find people, make or remove admins (never the last one), disable an account."""

from sqlalchemy import select

from marketplace.accounts.models import ApiToken, User
from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from tests.conftest import login, token_for
from tests.shopping import count


def user_row(app, user_id) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def decisions(app) -> list[tuple]:
    with app.app_context():
        return [(e.actor_id, e.action, e.subject_id, e.reason) for e in db.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]


def test_find_accounts_by_name_or_phone_written_any_way(app, as_admin, seller, helper):
    page = as_admin.get("/admin/users").get_data(as_text=True)
    assert page.index("Tổ công nghệ số") < page.index("Lê Thị Bán") < page.index("Trần Quản Trị")  # newest first
    for query in ("Lê Thị", "0912 000 902", "0912000902", "+84912000902", "000902", "ban@example"):
        found = as_admin.get("/admin/users", query_string={"q": query}).get_data(as_text=True)
        assert "Lê Thị Bán" in found and "Tổ công nghệ số" not in found, query
    admins = as_admin.get("/admin/users", query_string={"show": "admins"}).get_data(as_text=True)
    assert "Trần Quản Trị" in admins and "Lê Thị Bán" not in admins


def test_make_and_remove_an_admin_and_the_new_admin_gets_in(app, client, admin, helper):
    login(client, admin)
    client.post(f"/admin/users/{helper.id}/admin", data={"make": "1", "note": "Cán bộ Sở Công Thương"})
    assert user_row(app, helper.id).is_admin
    client.post("/account/logout")
    login(client, helper)
    assert client.get("/admin/figures").status_code == 200

    client.post(f"/admin/users/{admin.id}/admin", data={"make": "0"})
    assert not user_row(app, admin.id).is_admin
    assert decisions(app) == [(admin.id, "user.grant_admin", helper.id, "Cán bộ Sở Công Thương"),
                              (helper.id, "user.revoke_admin", admin.id, None)]


def test_an_admin_cannot_remove_their_own_role_so_one_is_always_left(app, as_admin, admin):
    response = as_admin.post(f"/admin/users/{admin.id}/admin", data={"make": "0"}, follow_redirects=True)
    assert "Bạn không thể tự bỏ quyền quản trị của mình" in response.get_data(as_text=True)
    assert user_row(app, admin.id).is_admin
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.is_admin.is_(True))) == admin.id
    response = as_admin.post(f"/admin/users/{admin.id}/disable", data={"reason": "thử tự khoá mình"})
    assert "Bạn không thể tự khoá tài khoản của mình." in response.get_data(as_text=True)
    assert user_row(app, admin.id).active
    assert decisions(app) == []


def test_a_disabled_account_is_signed_out_everywhere_and_cannot_log_in(app, client, factory, admin, seller):
    seller_browser = app.test_client()
    login(seller_browser, seller)
    assert seller_browser.get("/seller/").status_code == 200
    headers = token_for(client, seller)
    assert client.get("/api/v1/cart", headers=headers).status_code == 200

    login(client, admin)
    refused = client.post(f"/admin/users/{seller.id}/disable", data={"reason": ""})
    assert refused.status_code == 422 and "Vui lòng ghi lý do" in refused.get_data(as_text=True)
    assert user_row(app, seller.id).active
    client.post(f"/admin/users/{seller.id}/disable", data={"reason": "Lừa đảo người mua"})
    client.post("/account/logout")

    assert not user_row(app, seller.id).active
    assert seller_browser.get("/seller/").status_code == 302, "the open session is signed out"
    assert client.post("/account/login", data={"login": seller.login, "password": seller.password}).status_code != 302
    assert client.post("/api/v1/auth/token", json={"login": seller.login, "password": seller.password}
                       ).status_code == 401
    assert client.get("/api/v1/orders", headers=headers).status_code == 401
    assert count(app, ApiToken, ApiToken.user_id == seller.id) == 0

    login(client, admin)
    client.post(f"/admin/users/{seller.id}/enable")
    client.post("/account/logout")
    login(client, seller)
    assert [d[1:] for d in decisions(app)] == [("user.disable", seller.id, "Lừa đảo người mua"),
                                               ("user.enable", seller.id, None)]


def test_a_disabled_account_cannot_be_made_admin(app, as_admin, seller):
    as_admin.post(f"/admin/users/{seller.id}/disable", data={"reason": "Lừa đảo người mua"})
    response = as_admin.post(f"/admin/users/{seller.id}/admin", data={"make": "1"}, follow_redirects=True)
    assert "đang bị khoá" in response.get_data(as_text=True)
    assert not user_row(app, seller.id).is_admin
