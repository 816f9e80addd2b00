"""The life of an order through the API: the seller's inbox and actions, the buyer's timeline, illegal
moves (409, nothing changed), other people's orders (404, nothing changed), stock given back on cancel."""

import pytest

from marketplace.orders.models import OrderEvent
from tests.conftest import token_for
from tests.shopping import ADDRESS, assert_problem, count, stock_of


@pytest.fixture
def deal(app, client, factory):
    """A COD order of two jars of honey, placed by a signed-in buyer."""
    seller = factory.user(name="Chủ gian hàng", phone="0912000401")
    shop = factory.shop(seller, name="Mật ong U Minh", shipping_fee_vnd=20_000)
    product = factory.product(seller, shop, title="Mật ong rừng",
                              variants=[{"name": "Chai 500 ml", "price_vnd": 180_000, "stock": 10}])
    buyer = factory.user(name="Người mua", phone="0912000402")
    buyer_headers = token_for(client, buyer)
    client.post("/api/v1/cart/items", json={"variant_id": product.variant_ids[0], "quantity": 2},
                headers=buyer_headers)
    placed = client.post("/api/v1/checkout", json={"address": ADDRESS, "payment_method": "cod"},
                         headers=buyer_headers)
    assert placed.status_code == 201, placed.json
    return {"order_id": placed.json["orders"][0]["id"], "code": placed.json["orders"][0]["code"],
            "variant_id": product.variant_ids[0], "buyer": buyer_headers, "seller": token_for(client, seller),
            "shop_id": shop.id}


def act(client, deal, action, **body):
    return client.post(f"/api/v1/seller/orders/{deal['order_id']}/{action}", json=body, headers=deal["seller"])


def state(app, client, deal) -> tuple:
    order = client.get(f"/api/v1/orders/{deal['order_id']}", headers=deal["buyer"]).json
    return order["status"], order["payment_status"], len(order["timeline"]), stock_of(app, deal["variant_id"])


def test_cod_order_goes_from_placed_to_completed_with_a_timeline(app, client, deal):
    assert state(app, client, deal) == ("placed", "unpaid", 1, 8)
    assert act(client, deal, "confirm").json["status"] == "confirmed"
    shipped = act(client, deal, "ship", carrier="Viettel Post", tracking="VTP123456789")
    assert shipped.status_code == 200 and shipped.json["carrier"] == "Viettel Post"
    assert shipped.json["tracking"] == "VTP123456789"
    delivered = act(client, deal, "deliver").json
    assert delivered["status"] == "delivered" and delivered["payment_status"] == "paid", "cash collected at the door"
    completed = client.post(f"/api/v1/orders/{deal['order_id']}/complete", headers=deal["buyer"])
    assert completed.status_code == 200, completed.json

    timeline = client.get(f"/api/v1/orders/{deal['order_id']}", headers=deal["buyer"]).json["timeline"]
    assert [(e["from_status"], e["to_status"], e["actor_role"]) for e in timeline] == [
        (None, "placed", "buyer"), ("placed", "confirmed", "seller"), ("confirmed", "shipped", "seller"),
        ("shipped", "delivered", "seller"), ("delivered", "completed", "buyer")]
    assert "VTP123456789" in timeline[2]["note"] and timeline[1]["label"] == "Người bán đã xác nhận"
    assert all(e["at"].endswith("+00:00") or e["at"].endswith("Z") for e in timeline)
    assert stock_of(app, deal["variant_id"]) == 8


@pytest.mark.parametrize(("steps", "illegal"), [
    ([], ("ship", {"carrier": "GHN"})),
    ([], ("deliver", {})),
    (["confirm"], ("confirm", {})),
    (["confirm"], ("deliver", {})),
    (["confirm", ("ship", {"carrier": "GHN"})], ("cancel", {"reason": "Hết hàng"})),
    (["confirm", ("ship", {"carrier": "GHN"}), "deliver"], ("ship", {"carrier": "GHN"})),
])
def test_an_illegal_jump_is_a_409_and_changes_nothing(app, client, deal, steps, illegal):
    for step in steps:
        name, body = step if isinstance(step, tuple) else (step, {})
        assert act(client, deal, name, **body).status_code == 200
    before = state(app, client, deal)
    name, body = illegal
    problem = assert_problem(act(client, deal, name, **body), 409)
    assert deal["code"] in problem["detail"] and "không thể chuyển" in problem["detail"]
    assert state(app, client, deal) == before


def test_the_buyer_cancels_before_confirmation_and_the_stock_comes_back_once(app, client, deal):
    cancelled = client.post(f"/api/v1/orders/{deal['order_id']}/cancel", json={"reason": "Đặt nhầm"},
                            headers=deal["buyer"])
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert stock_of(app, deal["variant_id"]) == 10
    again = client.post(f"/api/v1/orders/{deal['order_id']}/cancel", json={}, headers=deal["buyer"])
    assert_problem(again, 409)
    assert_problem(act(client, deal, "cancel", reason="Thử lại"), 409)
    assert stock_of(app, deal["variant_id"]) == 10, "given back exactly once"


def test_the_buyer_cannot_cancel_once_confirmed_nor_complete_early(app, client, deal):
    assert_problem(client.post(f"/api/v1/orders/{deal['order_id']}/complete", headers=deal["buyer"]), 409)
    act(client, deal, "confirm")
    before = state(app, client, deal)
    assert_problem(client.post(f"/api/v1/orders/{deal['order_id']}/cancel", json={}, headers=deal["buyer"]), 409)
    assert state(app, client, deal) == before


def test_the_seller_cancels_with_a_reason_the_buyer_sees(app, client, deal):
    act(client, deal, "confirm")
    before = state(app, client, deal)
    assert_problem(act(client, deal, "cancel", reason=" "), 422, "reason")
    assert_problem(act(client, deal, "cancel"), 422, "reason")
    assert state(app, client, deal) == before
    cancelled = act(client, deal, "cancel", reason="Mật ong bị vỡ khi đóng gói")
    assert cancelled.status_code == 200 and cancelled.json["cancel_reason"] == "Mật ong bị vỡ khi đóng gói"
    assert stock_of(app, deal["variant_id"]) == 10
    timeline = client.get(f"/api/v1/orders/{deal['order_id']}", headers=deal["buyer"]).json["timeline"]
    assert timeline[-1]["note"] == "Mật ong bị vỡ khi đóng gói" and timeline[-1]["actor_role"] == "seller"


def test_ship_needs_a_carrier(app, client, deal):
    act(client, deal, "confirm")
    before = state(app, client, deal)
    assert_problem(act(client, deal, "ship", carrier=""), 422, "carrier")
    assert_problem(act(client, deal, "ship"), 422, "carrier")
    assert state(app, client, deal) == before


def test_another_buyers_or_sellers_order_is_not_found_and_unchanged(app, client, factory, deal):
    stranger = token_for(client, factory.user(name="Người lạ", phone="0912000403"))
    other_seller = factory.user(name="Người bán khác", phone="0912000404")
    factory.shop(other_seller, name="Gạo Một Bụi")
    other_headers = token_for(client, other_seller)
    before = state(app, client, deal)
    events = count(app, OrderEvent)

    for headers in (stranger, other_headers):
        assert_problem(client.get(f"/api/v1/orders/{deal['order_id']}", headers=headers), 404)
        assert_problem(client.post(f"/api/v1/orders/{deal['order_id']}/cancel", json={}, headers=headers), 404)
        assert_problem(client.get(f"/api/v1/seller/orders/{deal['order_id']}", headers=headers), 404)
        for action, body in (("confirm", {}), ("ship", {"carrier": "GHN"}), ("deliver", {}),
                             ("cancel", {"reason": "Không phải đơn của tôi"})):
            response = client.post(f"/api/v1/seller/orders/{deal['order_id']}/{action}", json=body, headers=headers)
            assert_problem(response, 404)
    # The buyer is not the seller either.
    assert_problem(client.post(f"/api/v1/seller/orders/{deal['order_id']}/confirm", json={},
                               headers=deal["buyer"]), 404)
    assert_problem(client.post(f"/api/v1/seller/orders/{deal['order_id']}/confirm", json={}), 401)
    assert client.get("/api/v1/seller/orders", headers=other_headers).json["total"] == 0
    assert state(app, client, deal) == before and count(app, OrderEvent) == events


def test_the_seller_inbox_counts_orders_per_status_and_filters(app, client, factory, deal):
    buyer_headers = deal["buyer"]
    for _ in range(2):
        client.post("/api/v1/cart/items", json={"variant_id": deal["variant_id"], "quantity": 1},
                    headers=buyer_headers)
        assert client.post("/api/v1/checkout", json={"address": ADDRESS, "payment_method": "cod"},
                           headers=buyer_headers).status_code == 201
    act(client, deal, "confirm")
    inbox = client.get("/api/v1/seller/orders", headers=deal["seller"]).json
    assert inbox["total"] == 3 and inbox["counts"]["placed"] == 2 and inbox["counts"]["confirmed"] == 1
    assert inbox["counts"]["shipped"] == 0
    placed = client.get("/api/v1/seller/orders", query_string={"status": "placed", "per_page": 1},
                        headers=deal["seller"]).json
    assert placed["total"] == 2 and len(placed["items"]) == 1 and placed["counts"] == inbox["counts"]
    assert placed["items"][0]["buyer_name"] == ADDRESS["recipient"]
    assert_problem(client.get("/api/v1/seller/orders", query_string={"status": "lost"}, headers=deal["seller"]),
                   422, "status")


def test_a_guest_finds_an_order_by_code_and_phone_only(app, client, deal):
    found = client.get("/api/v1/orders/lookup", query_string={"code": deal["code"].lower(), "phone": "0987654321"})
    assert found.status_code == 200 and found.json["id"] == deal["order_id"]
    short = client.get("/api/v1/orders/lookup", query_string={"code": deal["code"][3:], "phone": "0987 654 321"})
    assert short.status_code == 200
    assert_problem(client.get("/api/v1/orders/lookup", query_string={"code": deal["code"], "phone": "0912000402x"}),
                   404)
    assert_problem(client.get("/api/v1/orders/lookup", query_string={"code": "CQ-AAAAAA", "phone": "0987654321"}),
                   404)


def test_the_transition_table_is_the_only_way(app, factory, deal):
    """Straight through the service: a role that may not make a move gets 403, an unknown status 409."""
    from marketplace.errors import Conflict, PermissionDenied
    from marketplace.extensions import db
    from marketplace.orders import services
    from marketplace.orders.models import Order

    with app.app_context():
        order = db.session.get(Order, deal["order_id"])
        with pytest.raises(PermissionDenied):
            services.transition(order, "confirmed", role=services.BUYER, actor=None)
        with pytest.raises(PermissionDenied):
            services.transition(order, "teleported", role=services.SYSTEM, actor=None)
        with pytest.raises(Conflict):
            services.transition(order, "paid", role=services.SYSTEM, actor=None)
        with pytest.raises(Conflict):
            services.transition(order, "delivered", role=services.SELLER, actor=None)
        db.session.rollback()
        assert db.session.get(Order, deal["order_id"]).status == "placed"
