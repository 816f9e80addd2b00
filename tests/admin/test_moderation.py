"""Verification and moderation: what buyers, sellers and the audit log see after an admin decides."""

from sqlalchemy import select

from marketplace.audit.models import AuditEntry
from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.shops.models import Shop
from tests.conftest import login, token_for
from tests.shopping import ADDRESS, assert_problem, count, set_product_status

REASON = "Ảnh và mô tả không đúng hàng thật"


def search_titles(client, query: str) -> list[str]:
    response = client.get("/api/v1/search", query_string={"q": query})
    assert response.status_code == 200
    return [result["title"] for result in response.json["results"]]


def web_search(client, query: str) -> str:
    return client.get("/search", query_string={"q": query}).get_data(as_text=True)


def audit(app, action: str | None = None) -> list[tuple]:
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        return [(e.actor_id, e.action, e.subject_type, e.subject_id, e.reason, e.created_at is not None)
                for e in db.session.scalars(query)]


def notices(app, user) -> list[tuple[str, str]]:
    with app.app_context():
        return [(n.kind, n.message) for n in db.session.scalars(
            select(Notification).where(Notification.user_id == user.id, Notification.order_id.is_(None))
            .order_by(Notification.id))]


def product_row(app, product_id) -> Product:
    with app.app_context():
        product = db.session.get(Product, product_id)
        db.session.expunge(product)
        return product


def add_to_cart(client, variant_id, headers=None):
    return client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1}, headers=headers or {})


# --- verification ------------------------------------------------------------------------

def test_verifying_a_shop_shows_the_badge_and_unverifying_takes_it_down(app, client, factory, admin, seller,
                                                                        shop, product):
    login(client, admin)
    storefront = f"/shops/{shop.slug}"
    assert "Đã xác minh" not in client.get(storefront).get_data(as_text=True)

    response = client.post(f"/admin/shops/{shop.id}/verify", data={"verified": "1", "note": "Đã xem giấy ĐKKD"})
    assert response.status_code == 302
    assert "Đã xác minh" in client.get(storefront).get_data(as_text=True)
    assert "Đã xác minh" in client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert client.get(f"/api/v1/shops/{shop.slug}").json["is_verified"] is True
    assert ("verification", "Gian hàng Khô cá Sông Đốc đã được ban quản trị xác minh: người mua thấy dấu "
            "“Đã xác minh”.") in notices(app, seller)

    again = client.post(f"/admin/shops/{shop.id}/verify", data={"verified": "1"}, follow_redirects=True)
    assert "Gian hàng đã được xác minh." in again.get_data(as_text=True)  # refused, said so, logged nothing

    client.post(f"/admin/shops/{shop.id}/verify", data={"verified": "0"})
    assert "Đã xác minh" not in client.get(storefront).get_data(as_text=True)
    assert audit(app) == [(admin.id, "shop.verify", "shop", shop.id, "Đã xem giấy ĐKKD", True),
                          (admin.id, "shop.unverify", "shop", shop.id, None, True)]


def test_the_shops_list_searches_filters_and_shows_newest_first(app, as_admin, factory, seller, shop):
    factory.shop(seller, name="Mật ong U Minh Hạ")
    newest = factory.shop(seller, name="Hợp tác xã Tôm Đất Mũi")
    with app.app_context():
        db.session.get(Shop, newest.id).is_verified = True
        db.session.commit()

    page = as_admin.get("/admin/shops").get_data(as_text=True)
    assert page.index("Hợp tác xã Tôm Đất Mũi") < page.index("Mật ong U Minh Hạ") < page.index("Khô cá Sông Đốc")
    assert "3 gian hàng" in page
    found = as_admin.get("/admin/shops", query_string={"q": "mat ong"}).get_data(as_text=True)  # no accents
    assert "Mật ong U Minh Hạ" in found and "Sông Đốc" not in found
    found = as_admin.get("/admin/shops", query_string={"q": "Sông Đốc"}).get_data(as_text=True)
    assert "Khô cá Sông Đốc" in found and "Mật ong" not in found
    unverified = as_admin.get("/admin/shops", query_string={"show": "unverified"}).get_data(as_text=True)
    assert "Đất Mũi" not in unverified and "Sông Đốc" in unverified
    assert "2 gian hàng" in unverified
    assert "0 gian hàng" in as_admin.get("/admin/shops", query_string={"show": "hidden"}).get_data(as_text=True)
    assert "0 gian hàng" in as_admin.get("/admin/shops", query_string={"q": "%"}).get_data(as_text=True)


# --- hiding a product -------------------------------------------------------------------------

def test_hiding_needs_a_reason_and_without_one_changes_nothing(app, as_admin, shop, product):
    for reason in ("", "   ", "xấu"):
        response = as_admin.post(f"/admin/products/{product.id}/hide", data={"reason": reason})
        assert response.status_code == 422
        assert "Vui lòng ghi lý do" in response.get_data(as_text=True)
    response = as_admin.post(f"/admin/shops/{shop.id}/hide", data={"reason": ""})
    assert response.status_code == 422
    assert product_row(app, product.id).hidden_by_admin_at is None
    with app.app_context():
        assert db.session.get(Shop, shop.id).hidden_by_admin_at is None
    assert audit(app) == [] and count(app, Notification) == 0


def test_a_hidden_product_vanishes_for_buyers_and_cannot_be_bought(app, client, factory, admin, seller, helper,
                                                                   shop, product, other_product):
    buyer = factory.user(name="Người mua", phone="0912000904")
    cart = token_for(client, buyer)
    assert add_to_cart(client, product.variant_ids[0], cart).status_code == 201  # in the cart before the hiding
    assert search_titles(client, "loc dong") == ["Khô cá lóc đồng"]

    login(client, admin)
    response = client.post(f"/admin/products/{product.id}/hide", data={"reason": REASON})
    assert response.status_code == 302
    client.post("/account/logout")

    assert client.get(f"/products/{product.slug}").status_code == 404
    assert client.get(f"/api/v1/products/{product.id}").status_code == 404
    assert "Khô cá lóc đồng" not in client.get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert "Mắm ba khía" in client.get(f"/shops/{shop.slug}").get_data(as_text=True)
    assert "Khô cá lóc đồng" not in client.get("/products").get_data(as_text=True)
    assert [p["title"] for p in client.get("/api/v1/products").json["items"]] == ["Mắm ba khía Rạch Gốc"]
    assert search_titles(client, "loc dong") == []
    assert "Khô cá lóc đồng" not in web_search(client, "loc dong")

    body = assert_problem(add_to_cart(client, product.variant_ids[0]), 422, "variant_id")
    assert "ngừng bán" in body["detail"]
    from marketplace.orders.models import Order

    checkout = client.post("/api/v1/checkout", headers=cart, json={"address": ADDRESS, "payment_method": "cod"})
    assert_problem(checkout, 409)
    assert count(app, Order) == 0

    # Both members of the shop are told why.
    message = f"Ban quản trị đã ẩn sản phẩm “Khô cá lóc đồng”. Lý do: {REASON}"
    assert notices(app, seller) == [("moderation", message)]
    assert notices(app, helper) == [("moderation", message)]
    assert audit(app) == [(admin.id, "product.hide", "product", product.id, REASON, True)]


def test_the_seller_sees_why_and_cannot_put_it_back_on_sale(app, client, admin, seller, shop, product):
    login(client, admin)
    client.post(f"/admin/products/{product.id}/hide", data={"reason": REASON})
    client.post("/account/logout")
    login(client, seller)

    dashboard = client.get("/seller/").get_data(as_text=True)
    assert "Bị quản trị viên ẩn" in dashboard and REASON in dashboard
    assert REASON in client.get(f"/seller/products/{product.id}/edit").get_data(as_text=True)
    page = client.get(f"/products/{product.slug}")  # the shop's members still see their own page
    assert page.status_code == 200 and REASON in page.get_data(as_text=True)
    assert "cart/items" not in page.get_data(as_text=True)  # no buy form

    # The seller's own switch does not lift the admin's hiding ...
    client.post(f"/seller/products/{product.id}/status", data={"status": "hidden"})
    refused = client.post(f"/seller/products/{product.id}/status", data={"status": "active"})
    assert refused.status_code == 422 and "Bạn không thể tự đăng bán lại" in refused.get_data(as_text=True)
    assert product_row(app, product.id).status == "hidden"
    headers = token_for(client, seller)
    body = assert_problem(client.patch(f"/api/v1/products/{product.id}", headers=headers, json={"status": "active"}),
                          422, "status")
    assert REASON in body["detail"]
    # ... and editing the rest of the product keeps it hidden.
    client.patch(f"/api/v1/products/{product.id}", headers=headers, json={"title": "Khô cá lóc đồng loại 1"})
    client.post("/account/logout")
    assert client.get(f"/products/{product.slug}").status_code == 404
    assert search_titles(client, "loc dong") == []
    assert product_row(app, product.id).hidden_by_admin_at is not None


def test_unhiding_puts_the_product_back_everywhere_and_is_logged(app, client, admin, seller, shop, product):
    login(client, admin)
    client.post(f"/admin/products/{product.id}/hide", data={"reason": REASON})
    response = client.post(f"/admin/products/{product.id}/unhide", data={"note": "Đã sửa ảnh"})
    assert response.status_code == 302
    again = client.post(f"/admin/products/{product.id}/unhide", follow_redirects=True)
    assert "Sản phẩm này không bị ẩn." in again.get_data(as_text=True)
    client.post("/account/logout")

    assert client.get(f"/products/{product.slug}").status_code == 200
    assert search_titles(client, "loc dong") == ["Khô cá lóc đồng"]
    assert add_to_cart(client, product.variant_ids[0]).status_code == 201
    row = product_row(app, product.id)
    assert row.hidden_by_admin_at is None and row.moderation_reason is None
    assert [a[1:5] for a in audit(app)] == [("product.hide", "product", product.id, REASON),
                                            ("product.unhide", "product", product.id, "Đã sửa ảnh")]
    assert [kind for kind, _m in notices(app, seller)] == ["moderation", "moderation"]


def test_a_product_the_seller_hid_stays_hidden_after_the_admin_unhides_it(app, client, admin, seller, product):
    set_product_status(app, seller, product.id, "hidden")
    login(client, admin)
    client.post(f"/admin/products/{product.id}/hide", data={"reason": REASON})
    client.post(f"/admin/products/{product.id}/unhide")
    client.post("/account/logout")
    assert client.get(f"/products/{product.slug}").status_code == 404, "the seller's own choice is kept"


# --- hiding a shop ----------------------------------------------------------------------------

def test_a_hidden_shop_and_all_its_products_vanish_until_unhidden(app, client, factory, admin, seller, shop,
                                                                  product, other_product):
    assert search_titles(client, "loc dong") == ["Khô cá lóc đồng"]
    assert search_titles(client, "mam ba khia") == ["Mắm ba khía Rạch Gốc"]
    login(client, admin)
    assert client.get(f"/admin/shops/{shop.id}/hide").status_code == 200
    client.post(f"/admin/shops/{shop.id}/hide", data={"reason": "Giấy phép kinh doanh hết hạn"})
    client.post("/account/logout")

    assert client.get(f"/shops/{shop.slug}").status_code == 404
    assert "Khô cá Sông Đốc" not in client.get("/shops").get_data(as_text=True)
    assert client.get(f"/products/{product.slug}").status_code == 404
    assert client.get("/api/v1/products").json["total"] == 0
    assert "Khô cá lóc" not in client.get("/products").get_data(as_text=True)
    assert search_titles(client, "loc dong") == [] and search_titles(client, "mam ba khia") == []
    assert_problem(add_to_cart(client, other_product.variant_ids[0]), 422, "variant_id")

    login(client, seller)
    dashboard = client.get("/seller/").get_data(as_text=True)
    assert "Ban quản trị đã ẩn gian hàng này" in dashboard and "Giấy phép kinh doanh hết hạn" in dashboard
    assert notices(app, seller)[-1] == ("moderation", "Ban quản trị đã ẩn gian hàng Khô cá Sông Đốc. "
                                                     "Lý do: Giấy phép kinh doanh hết hạn")
    # Nothing the seller can send through the API brings the shop back.
    headers = token_for(client, seller)
    client.patch(f"/api/v1/shops/{shop.slug}", headers=headers, json={"status": "active", "name": "Khô cá Sông Đốc"})
    client.post("/account/logout")
    assert client.get(f"/shops/{shop.slug}").status_code == 404

    login(client, admin)
    client.post(f"/admin/shops/{shop.id}/unhide")
    client.post("/account/logout")
    assert client.get(f"/shops/{shop.slug}").status_code == 200
    assert search_titles(client, "loc dong") == ["Khô cá lóc đồng"]
    assert add_to_cart(client, other_product.variant_ids[0]).status_code == 201
    assert [a[1] for a in audit(app)] == ["shop.hide", "shop.unhide"]


def test_the_admin_shop_page_shows_products_and_the_reason(app, as_admin, shop, product):
    as_admin.post(f"/admin/products/{product.id}/hide", data={"reason": REASON})
    page = as_admin.get(f"/admin/shops/{shop.id}").get_data(as_text=True)
    assert "Khô cá lóc đồng" in page and REASON in page and "Cho hiện lại" in page
    assert as_admin.get("/admin/shops/999999").status_code == 404
    assert as_admin.post("/admin/products/999999/hide", data={"reason": REASON}).status_code == 404


def test_the_audit_page_lists_each_decision(app, as_admin, shop, product):
    as_admin.post(f"/admin/products/{product.id}/hide", data={"reason": REASON})
    as_admin.post(f"/admin/shops/{shop.id}/verify", data={"verified": "1"})
    page = as_admin.get("/admin/audit").get_data(as_text=True)
    assert page.index("shop.verify") < page.index("product.hide")  # newest first
    assert REASON in page and "Trần Quản Trị" in page
