"""Admin pages answer admins only; the audit log lists decisions newest first."""

from marketplace.audit import services
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


def test_the_audit_log_says_what_was_decided_in_words_and_keeps_the_admin_menu(app, client, factory):
    admin = factory.user(name="Trần Quản Trị")
    make_admin(app, admin)
    with app.app_context():
        from marketplace.accounts.models import User

        services.record_decision(db.session.get(User, admin.id), "ocop.approve", "ocop_claim", 3, stars=4)
        db.session.commit()
    login(client, admin)
    text = client.get("/admin/audit").get_data(as_text=True)
    assert "<strong>Duyệt hồ sơ OCOP #3</strong>" in text
    assert "ocop.approve" in text  # the stable code stays, to search by
    assert 'href="/admin/ocop"' in text and 'href="/admin/figures"' in text, "the admin menu, as on every screen"


def test_every_logged_action_has_words(app):
    """A new decision that forgot its label would show a bare code to the operator."""
    import re
    from pathlib import Path

    import marketplace

    source = "\n".join(path.read_text() for path in Path(marketplace.__file__).parent.rglob("*.py"))
    calls = re.findall(r"record_decision\(([^\n]*\n[^\n]*)", source)  # the action is in the first two lines
    logged = {code for call in calls for code in re.findall(r'"([a-z_]+\.[a-z_]+)"', call)}
    assert {"ocop.approve", "ocop.reject", "shop.hide", "user.disable", "category.move"} <= logged
    with app.app_context():
        assert logged <= set(services.action_labels()), logged - set(services.action_labels())
