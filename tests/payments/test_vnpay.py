"""VNPay's protocol, offline: the signed payment URL, and the IPN answering 00/01/02/04/97 as VNPay expects,
with callbacks the tests sign themselves; the local sandbox wallet plays the gateway end to end."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from marketplace.orders.models import Order
from marketplace.payments.models import Payment, PaymentEvent
from marketplace.payments.vnpay import signed_query
from tests.shopping import ADDRESS, count, make_admin, stock_of


def test_the_signature_matches_a_second_implementation():
    """The vector from npm `vnpay` 2.5.0 (see shared/reference/payments.md)."""
    params = {"vnp_Amount": 15000000, "vnp_Command": "pay", "vnp_CreateDate": "20250101120000",
              "vnp_CurrCode": "VND", "vnp_IpAddr": "127.0.0.1", "vnp_Locale": "vn",
              "vnp_OrderInfo": "Thanh toan don hang 42", "vnp_OrderType": "other",
              "vnp_ReturnUrl": "http://localhost:5000/pay/vnpay/return", "vnp_TmnCode": "TESTTMN1",
              "vnp_TxnRef": "ORD-42", "vnp_Version": "2.1.0"}
    query = signed_query(params, "TESTSECRETKEY0123456789ABCDEFGHI")
    assert query.endswith("vnp_SecureHash=59399fe097b9d5c76268ccd9b97c89f81ad6c81de8c59ad2eb293cfa9b9054a4a4709ea10"
                          "e47ecf1b4ac0cf62be8fa26850125df2df7e742fb0c9385ea6fcee6")


@pytest.fixture
def placed(app, client, factory):
    seller = factory.user(name="Người bán", phone="0912000921")
    shop = factory.shop(seller, name="Mật ong U Minh", shipping_fee_vnd=25_000)
    variant_id = factory.product(seller, shop, variants=[{"name": "Chai", "price_vnd": 180_000, "stock": 5}]
                                 ).variant_ids[0]
    headers = {"X-Cart-Token": client.post("/api/v1/cart", json={}).json["token"]}
    client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 2}, headers=headers)
    created = client.post("/api/v1/checkout", json={"address": ADDRESS, "payment_method": "vnpay"}, headers=headers)
    assert created.status_code == 201, created.json
    url = urlsplit(created.json["payment"]["redirect_url"])
    return {"params": dict(parse_qsl(url.query)), "path": url.path, "variant_id": variant_id,
            "checkout_id": created.json["checkout_id"]}


def ipn(app, placed, secret=None, **changes) -> dict:
    """What VNPay sends after a payment, signed with the shop's secret unless told otherwise."""
    request = placed["params"]
    params = {"vnp_TmnCode": request["vnp_TmnCode"], "vnp_Amount": request["vnp_Amount"],
              "vnp_TxnRef": request["vnp_TxnRef"], "vnp_OrderInfo": request["vnp_OrderInfo"],
              "vnp_BankCode": "NCB", "vnp_PayDate": "20261123150000", "vnp_TransactionNo": "14226112",
              "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00", **changes}
    return {"query": signed_query(params, secret or app.config["VNPAY_HASH_SECRET"])}


def send(client, message: dict):
    response = client.get(f"/payments/vnpay/ipn?{message['query']}")
    assert response.status_code == 200
    return response.json


def states(app) -> tuple:
    from marketplace.extensions import db

    with app.app_context():
        order = db.session.scalar(db.select(Order))
        payment = db.session.scalar(db.select(Payment))
        return order.status, order.payment_status, payment.status


def test_the_payment_url_is_signed_in_hundredths_with_a_fresh_reference(app, client, placed):
    params = placed["params"]
    assert params["vnp_Amount"] == str((2 * 180_000 + 25_000) * 100)
    assert params["vnp_CurrCode"] == "VND" and params["vnp_Version"] == "2.1.0"
    assert params["vnp_OrderInfo"].isascii() and "CQ-" in params["vnp_OrderInfo"]
    assert params["vnp_ReturnUrl"].endswith("/payments/vnpay/return")
    assert signed_query({k: v for k, v in params.items() if k != "vnp_SecureHash"},
                        app.config["VNPAY_HASH_SECRET"]).endswith(params["vnp_SecureHash"])
    assert states(app) == ("awaiting_payment", "unpaid", "pending")


def test_a_correct_ipn_confirms_and_a_repeat_is_already_confirmed(app, client, placed):
    assert send(client, ipn(app, placed)) == {"RspCode": "00", "Message": "Confirm Success"}
    assert states(app) == ("paid", "paid", "succeeded")
    assert send(client, ipn(app, placed))["RspCode"] == "02"
    assert count(app, PaymentEvent, PaymentEvent.outcome == "applied") == 1


@pytest.mark.parametrize("message, code", [
    (lambda app, placed: ipn(app, placed, secret="not-the-shop-secret"), "97"),
    (lambda app, placed: {"query": ipn(app, placed)["query"].replace("vnp_Amount=", "vnp_Amount=1")}, "97"),
    (lambda app, placed: ipn(app, placed, vnp_TxnRef="CQ999T999"), "01"),
    (lambda app, placed: ipn(app, placed, vnp_Amount="100"), "04"),
])
def test_a_bad_ipn_is_answered_and_changes_nothing(app, client, placed, message, code):
    assert send(client, message(app, placed))["RspCode"] == code
    assert states(app) == ("awaiting_payment", "unpaid", "pending")
    assert stock_of(app, placed["variant_id"]) == 3


def test_a_cancelled_payment_is_recorded_as_failed_and_a_later_success_still_pays(app, client, placed):
    assert send(client, ipn(app, placed, vnp_ResponseCode="24", vnp_TransactionStatus="02"))["RspCode"] == "00"
    assert states(app) == ("awaiting_payment", "unpaid", "failed")
    assert send(client, ipn(app, placed, vnp_TransactionNo="14226113"))["RspCode"] == "00"
    assert states(app) == ("paid", "paid", "succeeded")


def test_the_return_page_shows_but_never_changes(app, client, placed):
    response = client.get(f"/payments/vnpay/return?{ipn(app, placed)['query']}")
    assert response.status_code == 302
    assert states(app) == ("awaiting_payment", "unpaid", "pending"), "only the IPN pays"


def test_the_sandbox_wallet_pays_through_the_signed_ipn(app, client, placed):
    unsigned = {k: v for k, v in placed["params"].items() if k != "vnp_SecureHash"}
    assert client.get(f"{placed['path']}?{urlencode(unsigned)}").status_code == 400, "only a signed request"
    page = client.get(f"{placed['path']}?{urlencode(placed['params'])}")
    assert page.status_code == 200 and "385.000" in page.get_data(as_text=True)
    paid = client.post(placed["path"], data={**placed["params"], "choice": "pay"})
    assert paid.status_code == 302 and "/payments/vnpay/return?" in paid.headers["Location"]
    assert states(app) == ("paid", "paid", "succeeded"), "the wallet's IPN paid the order"
    back = client.get(paid.headers["Location"])
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/checkout/{placed['checkout_id']}/done")


def test_the_sandbox_wallet_pays_on_a_demo_server_that_forces_https(app, factory, monkeypatch):
    """The wallet hands its IPN in-process to what the IPN route calls. A request to the app made from
    inside (a test client) went out as plain http:// and was redirected to https://, never reaching the IPN."""
    from marketplace.extensions import talisman

    monkeypatch.setattr(talisman, "force_https", True)  # what FORCE_HTTPS=1 turns on, in production or not
    secure, site = app.test_client(), "https://localhost"
    seller = factory.user(name="Người bán", phone="0912000922")
    variant_id = factory.product(seller, factory.shop(seller, name="Mắm ruốc Gành Hào"),
                                 variants=[{"name": "Hũ", "price_vnd": 90_000, "stock": 5}]).variant_ids[0]
    headers = {"X-Cart-Token": secure.post(f"{site}/api/v1/cart", json={}).json["token"]}
    secure.post(f"{site}/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1}, headers=headers)
    created = secure.post(f"{site}/api/v1/checkout", json={"address": ADDRESS, "payment_method": "vnpay"},
                          headers=headers)
    assert created.status_code == 201, created.json
    wallet = urlsplit(created.json["payment"]["redirect_url"])
    assert wallet.scheme == "https"
    paid = secure.post(f"{site}{wallet.path}", data={**dict(parse_qsl(wallet.query)), "choice": "pay"})
    assert paid.status_code == 302 and "/payments/vnpay/return?" in paid.headers["Location"]
    assert states(app) == ("paid", "paid", "succeeded"), "the wallet's IPN paid the order"


def test_the_sandbox_wallet_is_not_there_in_production(app, client, placed, monkeypatch):
    monkeypatch.setitem(app.config, "VNPAY_SANDBOX", False)
    assert client.get(f"{placed['path']}?{urlencode(placed['params'])}").status_code == 404


def test_production_needs_a_real_gateway_for_vnpay_and_has_no_sandbox():
    from tests.conftest import make_test_app

    with pytest.raises(RuntimeError, match="VNPAY_PAYMENT_URL"):
        make_test_app(ENV_NAME="production", PAYMENT_METHODS=("cod", "vnpay"))
    app = make_test_app(ENV_NAME="production", PAYMENT_METHODS=("cod",))
    assert not app.config.get("VNPAY_SANDBOX")


def test_only_an_admin_refunds_a_paid_order_at_will_and_only_once(
        app, client, placed, factory):
    from marketplace.extensions import db
    from marketplace.payments.models import Refund
    from tests.conftest import token_for

    send(client, ipn(app, placed))
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        order_id, total = order.id, order.total_vnd
    admin = factory.user(name="Quản trị tỉnh", phone="0912000931")
    make_admin(app, admin)
    buyer = factory.user(name="Người mua khác", phone="0912000932")
    not_admin = client.post(f"/api/v1/admin/orders/{order_id}/refund", json={"reason": "Khách đổi ý"},
                            headers=token_for(client, buyer))
    assert not_admin.status_code == 403 and states(app)[:2] == ("paid", "paid")
    no_body = client.post(f"/api/v1/admin/orders/{order_id}/refund", json={}, headers=token_for(client, buyer))
    assert no_body.status_code == 403, "who may call is answered before what the body lacks"

    refunded = client.post(f"/api/v1/admin/orders/{order_id}/refund", json={"reason": "Người bán không giao được"},
                           headers=token_for(client, admin))
    assert refunded.status_code == 200, refunded.json
    assert (refunded.json["status"], refunded.json["payment_status"]) == ("cancelled", "refunded")
    assert count(app, Refund, Refund.via == "manual", Refund.amount_vnd == total) == 1
    assert stock_of(app, placed["variant_id"]) == 5
    again = client.post(f"/api/v1/admin/orders/{order_id}/refund", json={"reason": "Người bán không giao được"},
                        headers=token_for(client, admin))
    assert again.status_code == 409 and count(app, Refund) == 1


def test_money_arriving_after_the_order_expired_is_answered_as_no_longer_payable_and_flagged(
        app, client, placed, factory):
    from datetime import timedelta

    from marketplace.extensions import db
    from marketplace.notifications.models import Notification
    from marketplace.orders.cli import run_expiry
    from marketplace.utils import utcnow

    admin = factory.user(name="Quản trị tỉnh", phone="0912000933")
    make_admin(app, admin)
    with app.app_context():
        assert run_expiry(now=utcnow() + timedelta(hours=1)) == 1
    wrong = send(client, ipn(app, placed, vnp_Amount="100", vnp_TransactionNo="14226199"))
    assert wrong == {"RspCode": "04", "Message": "Invalid amount"}, "the amount is checked first, as VNPay's guide does"

    late = send(client, ipn(app, placed))
    assert late == {"RspCode": "02", "Message": "Order already confirmed"}, "VNPay stops retrying"
    assert states(app) == ("cancelled", "unpaid", "succeeded"), "the money is recorded, the order stays cancelled"
    assert count(app, PaymentEvent, PaymentEvent.outcome == "flagged", PaymentEvent.note.contains("refund it")) == 1
    assert stock_of(app, placed["variant_id"]) == 5
    with app.app_context():
        told = db.session.scalars(db.select(Notification.message).where(Notification.user_id == admin.id)).all()
    assert len(told) == 2 and "hoàn lại" in told[1], "the admins are told to refund it"
    assert send(client, ipn(app, placed))["RspCode"] == "02", "a repeat too"


def test_forged_ipns_are_throttled_per_address_and_kept_short_while_signed_ones_pass(
        app, client, placed, monkeypatch):
    from marketplace.extensions import db

    monkeypatch.setitem(app.config, "CALLBACK_RATE_LIMIT", "3 per minute")
    forger = {"REMOTE_ADDR": "203.0.113.8"}
    forged = ipn(app, placed, secret="not-the-shop-secret", vnp_OrderInfo="x" * 5000)["query"]
    answers = [client.get(f"/payments/vnpay/ipn?{forged}", environ_base=forger) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert [a.json["RspCode"] for a in answers[:3]] == ["97"] * 3
    with app.app_context():
        rows = db.session.scalars(db.select(PaymentEvent).where(PaymentEvent.outcome == "rejected")).all()
        assert len(rows) == 3 and all(len(row.payload.encode()) <= 2048 for row in rows)
        assert all(row.payload_bytes == len(forged) and len(row.payload_sha256) == 64 for row in rows)

    assert send(client, {"query": ipn(app, placed)["query"]}) == {"RspCode": "00", "Message": "Confirm Success"}
    again = client.get(f"/payments/vnpay/ipn?{ipn(app, placed)['query']}", environ_base=forger)
    assert again.status_code == 200 and again.json["RspCode"] == "02", "a signed IPN from that address still answers"
    assert states(app) == ("paid", "paid", "succeeded")


def test_without_vnpay_set_up_an_ipn_is_refused_not_a_server_error():
    from tests.conftest import make_test_app

    app = make_test_app(ENV_NAME="production", PAYMENT_METHODS=("cod",))
    answer = app.test_client().get("/payments/vnpay/ipn?vnp_TxnRef=CQ1T1&vnp_Amount=100&vnp_SecureHash=00")
    assert answer.status_code == 200 and answer.json["RspCode"] == "97"
