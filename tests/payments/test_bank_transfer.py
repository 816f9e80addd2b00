"""Paying by bank transfer (VietQR): one QR per order to its shop's account; the seller confirms receipt."""

import io

import pytest
from PIL import Image

from marketplace.orders.models import Order
from tests.conftest import login, token_for
from tests.shopping import ADDRESS, give_bank_account, make_admin, stock_of


@pytest.fixture
def market(app, factory):
    sellers = [factory.user(name="Nguyễn Văn Tư", phone="0912000801"), factory.user(name="Lê Thị Ba",
                                                                                  phone="0912000802")]
    shrimp = factory.shop(sellers[0], name="Tôm khô Đất Mũi", shipping_fee_vnd=30_000)
    honey = factory.shop(sellers[1], name="Mật ong U Minh")
    give_bank_account(app, sellers[0], shrimp, "970405", "7300205123456")
    give_bank_account(app, sellers[1], honey, "970436", "1012345678")
    products = {
        "shrimp": factory.product(sellers[0], shrimp, title="Tôm khô loại 1",
                                  variants=[{"name": "500 g", "price_vnd": 560_000, "stock": 5}]),
        "honey": factory.product(sellers[1], honey, title="Mật ong rừng",
                                 variants=[{"name": "Chai", "price_vnd": 180_000, "stock": 5}]),
    }
    return {"sellers": sellers, "products": products}


def add(client, market, name):
    assert client.post("/cart/items", data={"variant_id": market["products"][name].variant_ids[0],
                                            "quantity": "1"}).status_code == 302


def order_of(app, shop_name) -> tuple[int, str]:
    from marketplace.extensions import db

    with app.app_context():
        order = db.session.scalar(db.select(Order).where(Order.shop_name == shop_name))
        return order.id, order.code


def test_a_buyer_pays_two_shops_by_transfer_and_each_seller_confirms(app, client, market):
    add(client, market, "shrimp")
    add(client, market, "honey")
    placed = client.post("/checkout", data={**ADDRESS, "payment_method": "vietqr"})
    assert placed.status_code == 302, placed.get_data(as_text=True)
    page = client.get(placed.headers["Location"]).get_data(as_text=True)
    # one transfer per shop, to its own account, with the order code as the content
    assert "7300205123456" in page and "1012345678" in page
    assert "Năm trăm chín mươi nghìn đồng" in page  # 560.000 + 30.000 delivery
    shrimp_id, shrimp_code = order_of(app, "Tôm khô Đất Mũi")
    assert shrimp_code in page and f"/orders/{shrimp_id}/vietqr.png" in page
    assert stock_of(app, market["products"]["shrimp"].variant_ids[0]) == 4, "held while the money is on its way"

    png = client.get(f"/orders/{shrimp_id}/vietqr.png")
    assert png.status_code == 200 and png.content_type == "image/png"
    zxingcpp = pytest.importorskip("zxingcpp")
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert "0006970405011373002051234560208QRIBFTTA" in decoded.text
    assert "5406590000" in decoded.text and shrimp_code in decoded.text
    assert app.test_client().get(f"/orders/{shrimp_id}/vietqr.png").status_code == 404, "only the buyer's"

    seller, other = app.test_client(), app.test_client()
    login(seller, market["sellers"][0])
    login(other, market["sellers"][1])
    assert "Đã nhận tiền chuyển khoản" in seller.get(f"/seller/orders/{shrimp_id}").get_data(as_text=True)
    assert other.post(f"/seller/orders/{shrimp_id}/paid").status_code == 404
    assert seller.post(f"/seller/orders/{shrimp_id}/confirm").status_code == 302  # not before the money
    assert seller.post(f"/seller/orders/{shrimp_id}/paid").status_code == 302
    assert seller.post(f"/seller/orders/{shrimp_id}/paid").status_code == 302  # a second tap changes nothing
    with app.app_context():
        from marketplace.extensions import db
        order = db.session.get(Order, shrimp_id)
        assert (order.status, order.payment_status) == ("paid", "paid")
        assert [e.to_status for e in order.events].count("paid") == 1
    assert client.get(f"/orders/{shrimp_id}/vietqr.png").status_code == 404, "paid: no more QR"
    assert "Người bán đã nhận tiền chuyển khoản" in client.get(f"/orders/{shrimp_id}").get_data(as_text=True)
    assert seller.post(f"/seller/orders/{shrimp_id}/confirm").status_code == 302
    honey_id, _ = order_of(app, "Mật ong U Minh")
    with app.app_context():
        from marketplace.extensions import db
        assert db.session.get(Order, shrimp_id).status == "confirmed"
        assert db.session.get(Order, honey_id).status == "awaiting_payment"


def test_a_cod_order_cannot_be_marked_as_transferred(app, client, market):
    add(client, market, "shrimp")
    client.post("/checkout", data={**ADDRESS, "payment_method": "cod"})
    order_id, _ = order_of(app, "Tôm khô Đất Mũi")
    seller = app.test_client()
    login(seller, market["sellers"][0])
    assert seller.post(f"/seller/orders/{order_id}/paid").status_code == 302
    with app.app_context():
        from marketplace.extensions import db
        order = db.session.get(Order, order_id)
        assert (order.status, order.payment_status) == ("placed", "unpaid")


def test_the_api_gives_the_transfer_and_the_seller_confirms_it(app, client, market):
    buyer = token_for(client, type("Buyer", (), {"login": "0912000801", "password": "matkhau123"}))
    client.post("/api/v1/cart/items", json={"variant_id": market["products"]["honey"].variant_ids[0], "quantity": 2},
                headers=buyer)
    created = client.post("/api/v1/checkout", json={"address": ADDRESS, "payment_method": "vietqr"}, headers=buyer)
    assert created.status_code == 201, created.json
    payment = created.json["payment"]
    assert payment["status"] == "awaiting_transfer" and payment["due_at"]
    (transfer,) = payment["transfers"]
    assert transfer["account_number"] == "1012345678" and transfer["bank_name"] == "Vietcombank"
    assert transfer["amount_vnd"] == 360_000 and payment["qr_payload"] == transfer["qr_payload"]
    assert "5406360000" in transfer["qr_payload"] and created.json["orders"][0]["code"] in transfer["qr_payload"]

    checkout_id, order_id = created.json["checkout_id"], created.json["orders"][0]["id"]
    assert client.get(f"/api/v1/checkouts/{checkout_id}", headers=buyer).json["payment"]["status"] == \
        "awaiting_transfer"
    stranger = token_for(client, type("Other", (), {"login": "0912000802", "password": "matkhau123"}))
    assert client.get(f"/api/v1/checkouts/{checkout_id}", headers=stranger).status_code == 404

    honey_seller = stranger  # the honey shop's owner
    received = client.post(f"/api/v1/seller/orders/{order_id}/payment-received", headers=honey_seller)
    assert received.status_code == 200, received.json
    assert (received.json["status"], received.json["payment_status"]) == ("paid", "paid")
    again = client.post(f"/api/v1/seller/orders/{order_id}/payment-received", headers=honey_seller)
    assert again.status_code == 409 and again.content_type == "application/problem+json"


def test_an_admin_may_record_a_transfer_for_a_seller_and_nobody_else_may(app, client, market, factory):
    add(client, market, "honey")
    client.post("/checkout", data={**ADDRESS, "payment_method": "vietqr"})
    order_id, _ = order_of(app, "Mật ong U Minh")
    admin, someone = factory.user(name="Quản trị", phone="0912000941"), factory.user(name="Ai đó", phone="0912000942")
    make_admin(app, admin)
    refused = client.post(f"/api/v1/admin/orders/{order_id}/payment-received", headers=token_for(client, someone))
    assert refused.status_code == 403
    done = client.post(f"/api/v1/admin/orders/{order_id}/payment-received", headers=token_for(client, admin))
    assert done.status_code == 200 and done.json["payment_status"] == "paid"
    assert done.json["timeline"][-1]["actor_role"] == "admin"


def test_an_admin_recording_a_transfer_is_in_the_audit_log_and_a_seller_doing_so_is_not(
        app, client, market, factory):
    from marketplace.audit.models import AuditEntry
    from marketplace.extensions import db
    from tests.shopping import count

    add(client, market, "shrimp")
    add(client, market, "honey")
    client.post("/checkout", data={**ADDRESS, "payment_method": "vietqr"})
    (shrimp_id, _), (honey_id, honey_code) = order_of(app, "Tôm khô Đất Mũi"), order_of(app, "Mật ong U Minh")
    seller = app.test_client()
    login(seller, market["sellers"][0])
    assert seller.post(f"/seller/orders/{shrimp_id}/paid").status_code == 302
    assert count(app, AuditEntry) == 0, "a seller's own account is not an admin decision"

    admin = factory.user(name="Quản trị", phone="0912000943")
    make_admin(app, admin)
    headers = token_for(client, admin)
    assert client.post(f"/api/v1/admin/orders/{honey_id}/payment-received", headers=headers).status_code == 200
    assert client.post(f"/api/v1/admin/orders/{honey_id}/payment-received", headers=headers).status_code == 409
    with app.app_context():
        (entry,) = db.session.scalars(db.select(AuditEntry)).all()
        assert (entry.actor_id, entry.action, entry.subject_type, entry.subject_id) == (
            admin.id, "order.payment_received", "order", honey_id)
        assert entry.details == {"code": honey_code, "amount_vnd": db.session.get(Order, honey_id).total_vnd}
