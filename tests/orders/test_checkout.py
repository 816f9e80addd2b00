"""Checkout through the API: one order per shop with each shop's delivery fee, one amount to pay; every
refusal is a clear problem+json and leaves stock, orders and the cart as they were."""

import pytest

from marketplace.extensions import mail
from marketplace.notifications.models import Notification
from marketplace.orders.models import Checkout, Order, OrderLine
from marketplace.shops.locations import wards
from tests.conftest import token_for
from tests.shopping import ADDRESS, assert_problem, count, set_product_status, set_variant, stock_of


@pytest.fixture
def market(app, factory):
    """Three shops: a flat fee, a fee waived from 300.000 ₫, and no fee at all."""
    sellers = [factory.user(name=f"Người bán {n}", phone=f"09120003{n:02d}", email=f"ban{n}@example.vn")
               for n in range(3)]
    shrimp = factory.shop(sellers[0], name="Tôm khô Năm Căn", shipping_fee_vnd=30_000)
    honey = factory.shop(sellers[1], name="Mật ong U Minh", shipping_fee_vnd=25_000, free_shipping_from_vnd=300_000)
    rice = factory.shop(sellers[2], name="Gạo Một Bụi")
    products = {
        "shrimp": factory.product(sellers[0], shrimp, title="Tôm khô loại 1",
                                  variants=[{"name": "500 g", "price_vnd": 450_000, "stock": 10}]),
        "honey": factory.product(sellers[1], honey, title="Mật ong rừng",
                                 variants=[{"name": "Chai 500 ml", "price_vnd": 180_000, "stock": 10}]),
        "rice": factory.product(sellers[2], rice, title="Gạo ST25",
                                variants=[{"name": "Túi 5 kg", "price_vnd": 160_000, "stock": 10}]),
    }
    return {"sellers": sellers, "shops": [shrimp, honey, rice], "products": products}


def fill(client, lines, headers=None) -> dict:
    headers = dict(headers or {})
    for variant_id, quantity in lines:
        response = client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": quantity},
                               headers=headers)
        assert response.status_code == 201, response.json
        if response.json["token"]:
            headers["X-Cart-Token"] = response.json["token"]
    return headers


def variant(market, name) -> int:
    return market["products"][name].variant_ids[0]


def snapshot(app, client, market, headers) -> tuple:
    return (tuple(stock_of(app, variant(market, n)) for n in ("shrimp", "honey", "rice")),
            count(app, Order), count(app, Checkout), client.get("/api/v1/cart", headers=headers).json)


def test_a_cart_of_three_shops_becomes_three_orders_and_one_amount(app, client, market):
    headers = fill(client, [(variant(market, "shrimp"), 1), (variant(market, "honey"), 2),
                            (variant(market, "rice"), 1)])
    with mail.record_messages() as outbox:
        response = client.post("/api/v1/checkout", headers=headers,
                               json={"address": ADDRESS, "payment_method": "cod", "note": "Gọi trước khi giao"})
    assert response.status_code == 201, response.json
    body = response.json
    totals = {o["shop_id"]: o["total_vnd"] for o in body["orders"]}
    shrimp, honey, rice = (s.id for s in market["shops"])
    assert totals == {shrimp: 450_000 + 30_000, honey: 360_000, rice: 160_000}, "flat fee, waived fee, no fee"
    assert body["amount_vnd"] == 480_000 + 360_000 + 160_000
    assert body["payment"] == {"method": "cod", "status": "due_on_delivery", "amount_vnd": 1_000_000, "due_at": None}
    assert {o["status"] for o in body["orders"]} == {"placed"}
    assert all(o["code"].startswith("CQ-") and len(o["code"]) == 9 for o in body["orders"])
    assert len({o["code"] for o in body["orders"]}) == 3

    assert [stock_of(app, variant(market, n)) for n in ("shrimp", "honey", "rice")] == [9, 8, 9]
    assert client.get("/api/v1/cart", headers=headers).json["groups"] == [], "the cart is emptied"
    assert count(app, OrderLine) == 3
    assert count(app, Notification) == 3, "each seller gets an in-app notice"
    assert sorted(m.recipients[0] for m in outbox) == ["ban0@example.vn", "ban1@example.vn", "ban2@example.vn"]
    assert all("Đơn hàng mới CQ-" in m.subject for m in outbox)

    found = client.get("/api/v1/orders/lookup", query_string={"code": body["orders"][0]["code"],
                                                              "phone": "+84987654321"})
    assert found.status_code == 200 and found.json["note"] == "Gọi trước khi giao"
    assert found.json["timeline"][0]["to_status"] == "placed"


def test_a_signed_in_buyer_checks_out_their_own_cart_and_sees_their_orders(app, client, factory, market):
    buyer = factory.user(name="Người mua", phone="0912000310")
    headers = fill(client, [(variant(market, "honey"), 1)], token_for(client, buyer))
    created = client.post("/api/v1/checkout", headers=headers, json={"address": ADDRESS, "payment_method": "cod"})
    assert created.status_code == 201, created.json
    listed = client.get("/api/v1/orders", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["total_vnd"] == 180_000 + 25_000
    order_id = listed["items"][0]["id"]
    detail = client.get(f"/api/v1/orders/{order_id}", headers=headers).json
    assert detail["lines"][0]["product_title"] == "Mật ong rừng" and detail["lines"][0]["unit_price_vnd"] == 180_000
    assert_problem(client.get("/api/v1/orders", query_string={"per_page": 101}, headers=headers), 422, "per_page")


def _checkout(client, headers, **overrides):
    return client.post("/api/v1/checkout", headers=headers,
                       json={"address": ADDRESS, "payment_method": "cod", **overrides})


def _other_province_ward():
    return int(wards(92)[0].code)  # Cần Thơ


@pytest.mark.parametrize(("overrides", "field"), [
    ({"address": {**ADDRESS, "ward_code": _other_province_ward()}}, "address.ward_code"),
    ({"address": {**ADDRESS, "province_code": 9999}}, "address.province_code"),
    ({"address": {**ADDRESS, "phone": "12345"}}, "address.phone"),
    ({"address": {**ADDRESS, "recipient": "  "}}, "address.recipient"),
    ({"address": {**ADDRESS, "street": ""}}, "address.street"),
    ({"address": {k: v for k, v in ADDRESS.items() if k != "ward_code"}}, "address"),
    ({"payment_method": "momo"}, "payment_method"),
    ({"amount_vnd": 1000}, "amount_vnd"),
    ({"lines": [{"variant_id": 1, "price_vnd": 1}]}, "lines"),
    ({"note": "x" * 1001}, "note"),
])
def test_bad_checkouts_are_refused_and_change_nothing(app, client, market, overrides, field):
    headers = fill(client, [(variant(market, "shrimp"), 2), (variant(market, "honey"), 1)])
    before = snapshot(app, client, market, headers)
    body = assert_problem(_checkout(client, headers, **overrides), 422)
    assert any(key == field or field.startswith(key + ".") for key in body["errors"]), body
    assert snapshot(app, client, market, headers) == before


def test_a_ward_outside_the_province_names_both(app, client, market):
    headers = fill(client, [(variant(market, "rice"), 1)])
    body = assert_problem(_checkout(client, headers, address={**ADDRESS, "ward_code": _other_province_ward()}),
                          422, "address.ward_code")
    assert "không thuộc" in body["detail"]


def test_a_method_not_offered_is_refused_with_the_ones_that_are(app, client, market):
    headers = fill(client, [(variant(market, "rice"), 1)])
    body = assert_problem(_checkout(client, headers, payment_method="stripe"), 422, "payment_method")
    assert "COD" in body["detail"] and "VietQR" in body["detail"]
    assert count(app, Order) == 0
    assert stock_of(app, variant(market, "rice")) == 10


def test_a_transfer_needs_every_shop_to_have_a_bank_account(app, client, market):
    headers = fill(client, [(variant(market, "rice"), 1)])
    body = assert_problem(_checkout(client, headers, payment_method="vietqr"), 422, "payment_method")
    assert "Gạo Một Bụi" in body["detail"] and "tài khoản" in body["detail"]
    assert count(app, Order) == 0
    assert stock_of(app, variant(market, "rice")) == 10


def test_an_empty_cart_cannot_be_checked_out(app, client, market):
    """409: the request is well formed; what the cart holds refuses it."""
    assert_problem(_checkout(client, {}), 409, "cart")
    headers = fill(client, [(variant(market, "rice"), 1)])
    item = client.get("/api/v1/cart", headers=headers).json["groups"][0]["items"][0]["id"]
    client.delete(f"/api/v1/cart/items/{item}", headers=headers)
    body = assert_problem(_checkout(client, headers), 409, "cart")
    assert "trống" in body["detail"]
    assert count(app, Order) == 0 and stock_of(app, variant(market, "rice")) == 10


def test_sold_out_meanwhile_refuses_the_whole_checkout(app, client, market):
    headers = fill(client, [(variant(market, "shrimp"), 2), (variant(market, "honey"), 3)])
    set_variant(app, market["sellers"][1], market["products"]["honey"].id, stock=0)
    before = snapshot(app, client, market, headers)
    body = assert_problem(_checkout(client, headers), 409)
    honey_item = before[3]["groups"][1]["items"][0]["id"]
    assert "hết hàng" in body["errors"][f"items.{honey_item}"][0]
    assert snapshot(app, client, market, headers) == before, "the shrimp was not taken either"


def test_a_hidden_product_refuses_the_checkout(app, client, market):
    headers = fill(client, [(variant(market, "shrimp"), 1), (variant(market, "rice"), 1)])
    set_product_status(app, market["sellers"][2], market["products"]["rice"].id, "hidden")
    before = snapshot(app, client, market, headers)
    body = assert_problem(_checkout(client, headers), 409)
    assert any("không còn bán" in m for messages in body["errors"].values() for m in messages)
    assert snapshot(app, client, market, headers) == before


def test_a_changed_price_is_never_charged_silently(app, client, market):
    headers = fill(client, [(variant(market, "shrimp"), 1)])
    set_variant(app, market["sellers"][0], market["products"]["shrimp"].id, price_vnd=520_000)
    before = snapshot(app, client, market, headers)
    body = assert_problem(_checkout(client, headers), 409)
    (messages,) = body["errors"].values()
    assert "450.000" in messages[0] and "520.000" in messages[0]
    assert snapshot(app, client, market, headers) == before

    client.post("/api/v1/cart", json={"accept_changes": True}, headers=headers)
    placed = _checkout(client, headers)
    assert placed.status_code == 201 and placed.json["amount_vnd"] == 520_000 + 30_000


def test_mail_is_not_sent_for_a_refused_checkout(app, client, market):
    headers = fill(client, [(variant(market, "shrimp"), 1)])
    set_variant(app, market["sellers"][0], market["products"]["shrimp"].id, stock=0)
    with mail.record_messages() as outbox:
        assert _checkout(client, headers).status_code == 409
    assert outbox == [] and count(app, Notification) == 0


def test_order_history_survives_catalogue_edits_and_removed_variants(app, client, factory, market):
    seller = market["sellers"][0]
    product = factory.product(seller, market["shops"][0], title="Khô cá lóc", variants=[
        {"name": "500 g", "price_vnd": 200_000, "stock": 5}, {"name": "1 kg", "price_vnd": 380_000, "stock": 5}])
    buyer = factory.user(phone="0912000311")
    headers = fill(client, [(product.variant_ids[1], 2)], token_for(client, buyer))
    order_id = _checkout(client, headers).json["orders"][0]["id"]

    seller_headers = token_for(client, seller)
    edited = client.patch(f"/api/v1/products/{product.id}", headers=seller_headers, json={
        "title": "Khô cá lóc đồng (mới)",
        "variants": [{"id": product.variant_ids[0], "name": "500 g", "price_vnd": 210_000, "stock": 5}]})
    assert edited.status_code == 200, edited.json
    (line,) = client.get(f"/api/v1/orders/{order_id}", headers=headers).json["lines"]
    assert line == {**line, "variant_id": None, "product_title": "Khô cá lóc", "variant_name": "1 kg",
                    "unit_price_vnd": 380_000, "quantity": 2, "line_total_vnd": 760_000}


def test_the_sellers_mail_goes_after_the_commit_and_never_for_a_rollback(app, market):
    from marketplace.cart.services import CartOwner, add_item, new_guest_token
    from marketplace.extensions import db
    from marketplace.orders.services import place_checkout

    owner = CartOwner.for_guest(new_guest_token())
    with app.app_context(), mail.record_messages() as outbox:
        add_item(owner, variant(market, "shrimp"), 1)
        db.session.commit()
        place_checkout(owner, user=None, address=ADDRESS, payment_method="cod")
        assert outbox == [], "nothing is sent while the order may still roll back"
        db.session.rollback()
        assert outbox == []
        place_checkout(owner, user=None, address=ADDRESS, payment_method="cod")
        db.session.commit()
        assert [m.recipients for m in outbox] == [["ban0@example.vn"]]
        assert "450.000" in outbox[0].body and ADDRESS["recipient"] in outbox[0].body
    assert count(app, Order) == 1 and count(app, Notification) == 1


def test_each_member_of_the_shop_sees_the_new_order_in_the_app(app, client, factory, market):
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.notifications.services import mark_notifications_read, notifications_for
    from marketplace.shops.models import Shop
    from marketplace.shops.services import add_manager

    helper = factory.user(name="Tổ công nghệ số", phone="0912000320")
    with app.app_context():
        owner = db.session.get(User, market["sellers"][1].id)
        add_manager(db.session.get(Shop, market["shops"][1].id), owner, helper.login)
        db.session.commit()
    headers = fill(client, [(variant(market, "honey"), 1)])
    code = _checkout(client, headers).json["orders"][0]["code"]
    with app.app_context():
        for user_id in (market["sellers"][1].id, helper.id):
            (notice,) = notifications_for(db.session.get(User, user_id), unread_only=True)
            assert code in notice.message and notice.kind == "new_order"
        mark_notifications_read(db.session.get(User, helper.id))
        db.session.commit()
        assert notifications_for(db.session.get(User, helper.id), unread_only=True) == []
        assert notifications_for(db.session.get(User, market["sellers"][0].id)) == []
