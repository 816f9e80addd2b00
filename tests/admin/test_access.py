"""Every admin route: a signed-out visitor goes to the login page, a signed-in non-admin gets 403,
and neither changes anything, whatever they send."""

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEntry
from marketplace.extensions import db
from tests.conftest import login

REASON = {"reason": "Bán hàng giả, không rõ nguồn gốc", "note": "ghi chú", "verified": "1", "make": "1",
          "name": "Danh mục mới", "name_en": "New category", "slug": "danh-muc-moi", "parent_id": "",
          "direction": "down"}

ROUTES = [
    ("get", "/admin/"),
    ("get", "/admin/audit"),
    ("get", "/admin/figures"),
    ("get", "/admin/shops"),
    ("get", "/admin/shops/{shop}"),
    ("post", "/admin/shops/{shop}/verify"),
    ("get", "/admin/shops/{shop}/hide"),
    ("post", "/admin/shops/{shop}/hide"),
    ("post", "/admin/shops/{shop}/unhide"),
    ("get", "/admin/products/{product}/hide"),
    ("post", "/admin/products/{product}/hide"),
    ("post", "/admin/products/{product}/unhide"),
    ("get", "/admin/categories"),
    ("post", "/admin/categories"),
    ("get", "/admin/categories/{category}/edit"),
    ("post", "/admin/categories/{category}/edit"),
    ("post", "/admin/categories/{category}/move"),
    ("post", "/admin/categories/{category}/delete"),
    ("get", "/admin/users"),
    ("post", "/admin/users/{user}/admin"),
    ("get", "/admin/users/{user}/disable"),
    ("post", "/admin/users/{user}/disable"),
    ("post", "/admin/users/{user}/enable"),
]


def test_every_admin_route_is_listed_here(app):
    """A new admin route must be added to ROUTES, so that it is checked below."""
    served = {(method.lower(), rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    listed = {(method, path.replace("{shop}", "<int:shop_id>").replace("{product}", "<int:product_id>")
               .replace("{category}", "<int:category_id>").replace("{user}", "<int:user_id>"))
              for method, path in ROUTES}
    assert served == listed


def state(app) -> tuple:
    """Everything an admin route could change."""
    from marketplace.accounts.models import User
    from marketplace.catalog.models import Category, Product
    from marketplace.notifications.models import Notification
    from marketplace.shops.models import Shop

    with app.app_context():
        return (
            [(s.id, s.is_verified, s.hidden_by_admin_at, s.moderation_reason) for s in db.session.scalars(
                select(Shop).order_by(Shop.id))],
            [(p.id, p.status, p.hidden_by_admin_at, p.moderation_reason) for p in db.session.scalars(
                select(Product).order_by(Product.id))],
            [(u.id, u.is_admin, u.active, u.session_version) for u in db.session.scalars(
                select(User).order_by(User.id))],
            [(c.id, c.parent_id, c.slug, c.name, c.name_en, c.position) for c in db.session.scalars(
                select(Category).order_by(Category.id))],
            db.session.scalars(select(AuditEntry.id)).all(),
            db.session.scalars(select(Notification.id)).all(),
        )


@pytest.fixture
def ids(app, admin, shop, product, helper):
    from marketplace.catalog.models import Category

    with app.app_context():
        empty = db.session.scalar(select(Category.id).where(Category.slug == "gom"))  # no product in it
    return {"shop": shop.id, "product": product.id, "category": empty, "user": helper.id}


def call(client, method, path, ids):
    url = path.format(**ids)
    return client.get(url) if method == "get" else client.post(url, data=REASON)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_signed_out_visitor_is_sent_to_log_in_and_changes_nothing(app, client, ids, method, path):
    before = state(app)
    response = call(client, method, path, ids)
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    assert state(app) == before


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_seller_gets_403_and_changes_nothing(app, client, ids, seller, method, path):
    login(client, seller)
    before = state(app)
    response = call(client, method, path, ids)
    assert response.status_code == 403
    assert "quản trị" in response.get_data(as_text=True)
    assert state(app) == before


def test_only_admins_see_the_admin_link_in_the_header(client, admin, seller):
    login(client, seller)
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)
    client.post("/account/logout")
    login(client, admin)
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)


def test_the_admin_menu_links_every_screen(as_admin):
    page = as_admin.get("/admin/").get_data(as_text=True)
    for path in ("/admin/figures", "/admin/shops", "/admin/categories", "/admin/users", "/admin/audit"):
        assert f'href="{path}"' in page
