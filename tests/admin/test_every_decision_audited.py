"""Every admin decision is in the audit log: each admin POST route, on the pages and in the API, refunds
included, writes one entry naming its admin, its action and its subject. A new admin route must be listed
here, so that it is checked."""

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.admin.categories import add_category
from marketplace.audit.models import AuditEntry
from marketplace.audit.services import action_labels
from marketplace.extensions import db
from tests.conftest import login
from tests.ocop.helpers import Seller
from tests.shopping import ADDRESS, give_bank_account

REASON = "Bán hàng giả, không rõ nguồn gốc"
DECISIONS = {  # route: (url, body, the action logged, the route run first to make the decision possible)
    "/admin/shops/<int:shop_id>/verify": ("/admin/shops/{shop}/verify", {"verified": "1"}, "shop.verify", None),
    "/admin/shops/<int:shop_id>/hide": ("/admin/shops/{shop}/hide", {"reason": REASON}, "shop.hide", None),
    "/admin/shops/<int:shop_id>/unhide": ("/admin/shops/{shop}/unhide", {}, "shop.unhide",
                                          "/admin/shops/<int:shop_id>/hide"),
    "/admin/products/<int:product_id>/hide": ("/admin/products/{product}/hide", {"reason": REASON}, "product.hide",
                                              None),
    "/admin/products/<int:product_id>/unhide": ("/admin/products/{product}/unhide", {}, "product.unhide",
                                                "/admin/products/<int:product_id>/hide"),
    "/admin/categories": ("/admin/categories", {"name": "Mứt Tết", "name_en": "Tet jams", "slug": "mut-tet",
                                                "parent_id": ""}, "category.add", None),
    "/admin/categories/<int:category_id>/edit": ("/admin/categories/{category}/edit", {
        "name": "Gốm Bát Tràng", "name_en": "Bat Trang pottery", "slug": "gom-bat-trang", "parent_id": ""},
        "category.rename", None),
    "/admin/categories/<int:category_id>/move": ("/admin/categories/{category}/move", {"direction": "up"},
                                                 "category.reorder", None),
    "/admin/categories/<int:category_id>/delete": ("/admin/categories/{category}/delete", {}, "category.delete",
                                                   None),
    "/admin/users/<int:user_id>/admin": ("/admin/users/{user}/admin", {"make": "1"}, "user.grant_admin", None),
    "/admin/users/<int:user_id>/disable": ("/admin/users/{user}/disable", {"reason": REASON}, "user.disable", None),
    "/admin/users/<int:user_id>/enable": ("/admin/users/{user}/enable", {}, "user.enable",
                                          "/admin/users/<int:user_id>/disable"),
    "/admin/ocop/<int:claim_id>/approve": ("/admin/ocop/{claim}/approve", {}, "ocop.approve", None),
    "/admin/ocop/<int:claim_id>/reject": ("/admin/ocop/{claim}/reject", {"c{claim}-reason": REASON}, "ocop.reject",
                                          None),
    "/api/v1/admin/shops/<id:shop_id>/verify": ("/api/v1/admin/shops/{shop}/verify", {}, "shop.verify", None),
    "/api/v1/admin/shops/<id:shop_id>/unverify": ("/api/v1/admin/shops/{shop}/unverify", {}, "shop.unverify",
                                                  "/api/v1/admin/shops/<id:shop_id>/verify"),
    "/api/v1/admin/shops/<id:shop_id>/hide": ("/api/v1/admin/shops/{shop}/hide", {"reason": REASON}, "shop.hide",
                                              None),
    "/api/v1/admin/shops/<id:shop_id>/unhide": ("/api/v1/admin/shops/{shop}/unhide", {}, "shop.unhide",
                                                "/api/v1/admin/shops/<id:shop_id>/hide"),
    "/api/v1/admin/products/<id:product_id>/hide": ("/api/v1/admin/products/{product}/hide", {"reason": REASON},
                                                    "product.hide", None),
    "/api/v1/admin/products/<id:product_id>/unhide": ("/api/v1/admin/products/{product}/unhide", {},
                                                      "product.unhide", "/api/v1/admin/products/<id:product_id>/hide"),
    "/api/v1/admin/ocop-claims/<id:claim_id>/approve": ("/api/v1/admin/ocop-claims/{claim}/approve", {},
                                                        "ocop.approve", None),
    "/api/v1/admin/ocop-claims/<id:claim_id>/reject": ("/api/v1/admin/ocop-claims/{claim}/reject",
                                                       {"reason": REASON}, "ocop.reject", None),
    "/api/v1/admin/orders/<id:order_id>/payment-received": ("/api/v1/admin/orders/{order}/payment-received", {},
                                                            "order.payment_received", None),
    "/api/v1/admin/orders/<id:order_id>/refund": ("/api/v1/admin/orders/{order}/refund",
                                                  {"reason": "Người bán không giao được"}, "order.refund",
                                                  "/api/v1/admin/orders/<id:order_id>/payment-received"),
}


def test_every_admin_post_route_is_listed_here(app):
    served = {rule.rule for rule in app.url_map.iter_rules()
              if "POST" in rule.methods and (rule.endpoint.startswith("admin.") or "/admin/" in rule.rule)}
    assert served == set(DECISIONS)
    assert {action for _url, _body, action, _first in DECISIONS.values()} <= set(action_labels())


@pytest.fixture
def world(app, client, factory, restore_categories):
    seller = Seller(app, client, factory)
    give_bank_account(app, seller.owner, seller.shop)
    added = client.post("/api/v1/cart/items", json={"variant_id": seller.product.variant_ids[0], "quantity": 1})
    placed = client.post("/api/v1/checkout", headers={"X-Cart-Token": added.json["token"]},
                         json={"address": ADDRESS, "payment_method": "vietqr", "note": ""})
    assert placed.status_code == 201, placed.json
    helper = factory.user(name="Tổ công nghệ số")
    with app.app_context():  # the last of the top-level categories, and empty
        category = add_category(db.session.get(User, seller.admin.id), name="Đồ gốm", name_en="Pottery")
        db.session.commit()
        ids = {"category": category.id, "shop": seller.shop.id, "product": seller.product.id, "user": helper.id}
    return seller, {**ids, "claim": seller.claim(), "order": placed.json["orders"][0]["id"]}


def _decide(client, seller, route: str, ids: dict):
    url, body, _action, _first = DECISIONS[route]
    url, body = url.format(**ids), {k.format(**ids): v.format(**ids) for k, v in body.items()}
    if url.startswith("/api/"):
        return client.post(url, json=body, headers=seller.admin_headers)
    return client.post(url, data=body)


@pytest.mark.parametrize("route", list(DECISIONS))
def test_the_decision_is_in_the_audit_log(app, client, world, route):
    seller, ids = world
    login(client, seller.admin)
    first = DECISIONS[route][3]
    if first:
        assert _decide(client, seller, first, ids).status_code in (200, 302)
    with app.app_context():
        before = db.session.scalar(select(db.func.max(AuditEntry.id))) or 0

    response = _decide(client, seller, route, ids)

    assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
        assert [(e.actor_id, e.action) for e in entries] == [(seller.admin.id, DECISIONS[route][2])]
