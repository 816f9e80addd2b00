"""The cart, checkout and order pages as a buyer and a seller use them (HTML, session cookie)."""

import pytest

from marketplace.orders.models import Order
from tests.conftest import login
from tests.shopping import ADDRESS, count, stock_of


@pytest.fixture
def market(app, factory):
    sellers = [factory.user(name=f"Người bán {n}", phone=f"09120004{n:02d}") for n in range(2)]
    shrimp = factory.shop(sellers[0], name="Tôm khô Năm Căn", shipping_fee_vnd=30_000)
    honey = factory.shop(sellers[1], name="Mật ong U Minh", shipping_fee_vnd=25_000, free_shipping_from_vnd=300_000)
    products = {
        "shrimp": factory.product(sellers[0], shrimp, title="Tôm khô loại 1",
                                  variants=[{"name": "500 g", "price_vnd": 450_000, "stock": 5}]),
        "honey": factory.product(sellers[1], honey, title="Mật ong rừng",
                                 variants=[{"name": "Chai 500 ml", "price_vnd": 180_000, "stock": 5}]),
    }
    return {"sellers": sellers, "products": products}


def add(client, market, name, quantity="1"):
    return client.post("/cart/items", data={"variant_id": market["products"][name].variant_ids[0],
                                            "quantity": quantity})


def checkout(client, **changes):
    return client.post("/checkout", data={**ADDRESS, "payment_method": "cod", "note": "Gọi trước khi giao",
                                          **changes})


def test_a_guest_buys_from_two_shops_and_follows_the_order(app, client, market):
    assert add(client, market, "shrimp", "2").status_code == 302
    assert add(client, market, "honey").status_code == 302
    page = client.get("/cart").get_data(as_text=True)
    assert "Tôm khô Năm Căn" in page and "Mật ong U Minh" in page
    # 900.000 + 30.000 fee, and 180.000 + 25.000 fee (under the free threshold)
    assert "1.135.000" in page

    response = checkout(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã đặt hàng" in done and "1.135.000" in done
    assert stock_of(app, market["products"]["shrimp"].variant_ids[0]) == 3
    assert count(app, Order) == 2

    with app.app_context():
        from marketplace.extensions import db
        order = db.session.scalar(db.select(Order).where(Order.shop_name == "Tôm khô Năm Căn"))
        order_id, code = order.id, order.code
    page = client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert code in page and "Chờ người bán xác nhận" in page and "Hành trình đơn hàng" in page
    assert "Giỏ hàng của bạn đang trống" in client.get("/cart").get_data(as_text=True)

    stranger = app.test_client()
    assert stranger.get(f"/orders/{order_id}").status_code == 404
    assert stranger.post("/orders/find", data={"code": code, "phone": "0912 345 678"}).status_code == 422
    found = stranger.post("/orders/find", data={"code": code.removeprefix("CQ-").lower(), "phone": ADDRESS["phone"]})
    assert found.status_code == 302
    assert code in stranger.get(found.headers["Location"]).get_data(as_text=True)


def test_bad_quantities_are_refused_on_the_page_and_change_nothing(app, client, market):
    for quantity in ("0", "-3", "abc", "100000000000"):
        response = add(client, market, "shrimp", quantity)
        assert response.status_code == 422, quantity
        assert "Số lượng" in response.get_data(as_text=True) or "số lượng" in response.get_data(as_text=True)
    assert "Giỏ hàng của bạn đang trống" in client.get("/cart").get_data(as_text=True)
    assert add(client, market, "shrimp", "6").status_code == 422  # only 5 in stock


def test_a_bad_address_shows_the_error_by_the_field_and_places_nothing(app, client, market):
    add(client, market, "shrimp")
    response = checkout(client, ward_code="31000")  # not a ward of Cà Mau
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert count(app, Order) == 0
    assert stock_of(app, market["products"]["shrimp"].variant_ids[0]) == 5


def test_the_seller_works_through_the_inbox_and_cannot_jump_or_touch_other_shops(app, client, market):
    add(client, market, "shrimp")
    checkout(client)
    with app.app_context():
        from marketplace.extensions import db
        order_id = db.session.scalar(db.select(Order.id))
    seller, other = (app.test_client(), app.test_client())
    login(seller, market["sellers"][0])
    login(other, market["sellers"][1])

    dashboard = seller.get("/seller/").get_data(as_text=True)
    assert "1 đơn chờ xác nhận" in dashboard and "🔔" in dashboard, "the bell rings for a new order"
    assert "🔔" not in other.get("/seller/").get_data(as_text=True)
    assert "đơn chờ xác nhận" not in other.get("/seller/").get_data(as_text=True)
    inbox = seller.get("/seller/orders").get_data(as_text=True)
    assert "Chờ người bán xác nhận (1)" in inbox
    assert "🔔" not in seller.get("/seller/").get_data(as_text=True), "seen in the inbox: the bell is quiet"
    assert other.get(f"/seller/orders/{order_id}").status_code == 404
    assert other.post(f"/seller/orders/{order_id}/confirm").status_code == 404
    assert other.get(f"/seller/orders/{order_id}/slip").status_code == 404

    assert seller.post(f"/seller/orders/{order_id}/ship", data={"carrier": "Viettel Post"}).status_code == 302
    assert "Chờ người bán xác nhận" in seller.get(f"/seller/orders/{order_id}").get_data(as_text=True)

    assert seller.post(f"/seller/orders/{order_id}/confirm").status_code == 302
    missing = seller.post(f"/seller/orders/{order_id}/ship", data={"carrier": ""})
    assert missing.status_code == 422 and "đơn vị giao hàng" in missing.get_data(as_text=True)
    assert seller.post(f"/seller/orders/{order_id}/ship", data={"carrier": "Viettel Post",
                                                               "tracking": "VTP123"}).status_code == 302
    assert seller.post(f"/seller/orders/{order_id}/deliver").status_code == 302
    slip = seller.get(f"/seller/orders/{order_id}/slip").get_data(as_text=True)
    assert ADDRESS["recipient"] in slip and "Phiếu giao hàng" in slip

    timeline = client.get(f"/orders/{order_id}").get_data(as_text=True)
    for step in ("Người bán đã xác nhận", "Đang giao hàng", "Viettel Post: VTP123", "Đã giao hàng"):
        assert step in timeline
    assert client.post(f"/orders/{order_id}/complete").status_code == 302
    with app.app_context():
        from marketplace.extensions import db
        order = db.session.get(Order, order_id)
        assert (order.status, order.payment_status) == ("completed", "paid")
