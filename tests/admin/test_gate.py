"""Admin pages answer admins only; the audit log lists decisions newest first."""

from marketplace.admin import services
from marketplace.extensions import db
from tests.conftest import login
from tests.shopping import make_admin


def test_admin_pages_need_an_admin(client, factory):
    assert client.get("/admin/").status_code == 302  # signed out: to the login page
    seller = factory.user()
    login(client, seller)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_the_audit_log_shows_who_did_what_and_why(app, client, factory):
    admin = factory.user(name="Trần Quản Trị")
    make_admin(app, admin)
    with app.app_context():
        from marketplace.accounts.models import User

        actor = db.session.get(User, admin.id)
        services.record_decision(actor, "shop.hide", "shop", 7, reason="Bán hàng giả", stars=4)
        db.session.commit()
    login(client, admin)
    page = client.get("/admin/audit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Trần Quản Trị" in text and "shop.hide" in text and "Bán hàng giả" in text and "stars: 4" in text
