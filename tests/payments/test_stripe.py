"""Stripe, offline: the real `stripe` library talks to a local fake of Stripe's API, and the tests sign
the webhooks themselves with a test secret, as Stripe would."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from marketplace.orders.models import Order, OrderEvent
from marketplace.payments.models import Payment, PaymentEvent
from tests.shopping import ADDRESS, count, stock_of

SECRET = "whsec_test_secret"


class FakeStripe(BaseHTTPRequestHandler):
    """Answers POST /v1/checkout/sessions like Stripe and remembers what it was sent."""

    received: list = []

    def do_POST(self):  # noqa: N802  (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        FakeStripe.received.append({"path": self.path, "headers": dict(self.headers), "form": parse_qs(body)})
        if self.path == "/v1/refunds":
            reply = json.dumps({"id": f"re_test_{len(FakeStripe.received)}", "object": "refund",
                                "status": "succeeded"}).encode()
        else:
            session_id = f"cs_test_{len(FakeStripe.received)}"
            reply = json.dumps({"id": session_id, "object": "checkout.session", "payment_status": "unpaid",
                                "url": f"https://checkout.stripe.test/c/pay/{session_id}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def stripe_api(app, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeStripe.received = []
    monkeypatch.setitem(app.config, "PAYMENT_METHODS", ("cod", "vietqr", "stripe"))
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", SECRET)
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", f"http://127.0.0.1:{server.server_port}")
    yield FakeStripe.received
    server.shutdown()


@pytest.fixture
def placed(app, client, factory, stripe_api):
    """A guest's checkout of two shops paid with Stripe: (checkout id, payment id, amount)."""
    ids = []
    for n, (shop_name, price) in enumerate((("Tôm khô Đất Mũi", 560_000), ("Mật ong U Minh", 180_000))):
        seller = factory.user(name=f"Người bán {n}", phone=f"091200090{n}")
        shop = factory.shop(seller, name=shop_name)
        ids.append(factory.product(seller, shop, variants=[{"name": "1", "price_vnd": price, "stock": 5}]
                                   ).variant_ids[0])
    headers = {"X-Cart-Token": client.post("/api/v1/cart", json={}).json["token"]}
    for variant_id in ids:
        client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1}, headers=headers)
    created = client.post("/api/v1/checkout", json={"address": ADDRESS, "payment_method": "stripe"}, headers=headers)
    assert created.status_code == 201, created.json
    with app.app_context():
        from marketplace.extensions import db
        payment = db.session.scalar(db.select(Payment))
        return {"checkout_id": created.json["checkout_id"], "payment_id": payment.id, "amount": 740_000,
                "body": created.json, "variants": ids}


def signed(payload: bytes, at: int | None = None, secret: str = SECRET) -> dict:
    at = int(time.time()) if at is None else at
    signature = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={at},v1={signature}", "Content-Type": "application/json"}


def event(event_id: str, kind: str, placed: dict, **obj) -> bytes:
    data = {"id": "cs_test_1", "object": "checkout.session", "amount_total": placed["amount"], "currency": "vnd",
            "payment_status": "paid", "payment_intent": "pi_test_1",
            "metadata": {"payment_id": str(placed["payment_id"]),
                                                   "checkout_id": str(placed["checkout_id"])}, **obj}
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": data}}).encode()


def deliver(client, payload: bytes, headers: dict | None = None):
    return client.post("/payments/stripe/webhook", data=payload, headers=headers or signed(payload))


def order_states(app) -> list[tuple[str, str]]:
    from marketplace.extensions import db

    with app.app_context():
        return [(o.status, o.payment_status) for o in db.session.scalars(db.select(Order).order_by(Order.id))]


def test_checkout_opens_a_stripe_session_in_vnd_with_metadata_and_an_idempotency_key(app, placed, stripe_api):
    (sent,) = stripe_api
    assert sent["path"] == "/v1/checkout/sessions"
    form = sent["form"]
    assert form["mode"] == ["payment"]
    assert form["line_items[0][price_data][currency]"] == ["vnd"]
    assert form["line_items[0][price_data][unit_amount]"] == ["560000"], "VND is zero-decimal: no x100"
    assert form["line_items[1][price_data][unit_amount]"] == ["180000"]
    assert form["metadata[checkout_id]"] == [str(placed["checkout_id"])]
    assert form["metadata[payment_id]"] == [str(placed["payment_id"])]
    assert form["payment_intent_data[metadata][payment_id]"] == [str(placed["payment_id"])]
    assert sent["headers"]["Idempotency-Key"] == f"checkout-{placed['checkout_id']}-payment-{placed['payment_id']}"
    assert sent["headers"]["Authorization"] == "Bearer sk_test_local"
    payment = placed["body"]["payment"]
    assert payment["method"] == "stripe" and payment["status"] == "awaiting_payment"
    assert payment["redirect_url"] == "https://checkout.stripe.test/c/pay/cs_test_1"
    assert order_states(app) == [("awaiting_payment", "unpaid")] * 2
    assert stock_of(app, placed["variants"][0]) == 4


def test_a_completed_session_delivered_three_times_pays_the_orders_once(app, client, placed):
    payload = event("evt_paid", "checkout.session.completed", placed)
    outcomes = [deliver(client, payload).json["outcome"] for _ in range(3)]
    assert outcomes == ["applied", "duplicate", "duplicate"]
    assert order_states(app) == [("paid", "paid")] * 2
    assert count(app, OrderEvent, OrderEvent.to_status == "paid") == 2
    assert count(app, PaymentEvent, PaymentEvent.event_id == "evt_paid") == 1
    assert count(app, Payment, Payment.status == "succeeded") == 1


def test_late_failures_after_success_change_nothing(app, client, placed):
    assert deliver(client, event("evt_paid", "checkout.session.completed", placed)).json["outcome"] == "applied"
    late = [event("evt_failed", "payment_intent.payment_failed", placed, object="payment_intent"),
            event("evt_expired", "checkout.session.expired", placed, payment_status="unpaid")]
    assert [deliver(client, payload).json["outcome"] for payload in late] == ["ignored", "ignored"]
    assert order_states(app) == [("paid", "paid")] * 2
    assert count(app, Payment, Payment.status == "succeeded") == 1


def test_a_failure_then_a_success_delivered_out_of_order_ends_paid(app, client, placed):
    failed = event("evt_1_failed", "payment_intent.payment_failed", placed, object="payment_intent")
    paid = event("evt_2_paid", "checkout.session.completed", placed)
    assert deliver(client, paid).json["outcome"] == "applied"
    assert deliver(client, failed).json["outcome"] == "ignored"
    assert deliver(client, paid).json["outcome"] == "duplicate"
    assert order_states(app) == [("paid", "paid")] * 2


@pytest.mark.parametrize("headers", [
    lambda payload: signed(payload, secret="whsec_someone_else"),
    lambda payload: signed(payload, at=int(time.time()) - 3600),  # replayed an hour later
    lambda payload: {"Stripe-Signature": "t=1,v1=00", "Content-Type": "application/json"},
    lambda payload: {"Content-Type": "application/json"},
])
def test_a_bad_signature_or_an_old_timestamp_changes_nothing(app, client, placed, headers):
    payload = event("evt_forged", "checkout.session.completed", placed)
    response = deliver(client, payload, headers(payload))
    assert response.status_code == 400
    assert order_states(app) == [("awaiting_payment", "unpaid")] * 2
    assert count(app, Payment, Payment.status == "pending") == 1
    assert count(app, PaymentEvent, PaymentEvent.outcome == "rejected", PaymentEvent.signature_ok.is_(False)) == 1
    assert deliver(client, payload).json["outcome"] == "applied", "the genuine one still works afterwards"


@pytest.mark.parametrize("changes", [{"amount_total": 74_000}, {"currency": "usd"}])
def test_a_wrong_amount_or_currency_is_flagged_and_pays_nothing(app, client, placed, changes):
    response = deliver(client, event("evt_short", "checkout.session.completed", placed, **changes))
    assert response.status_code == 200 and response.json["outcome"] == "flagged"
    assert order_states(app) == [("awaiting_payment", "unpaid")] * 2
    assert count(app, PaymentEvent, PaymentEvent.outcome == "flagged") == 1
    assert count(app, Payment, Payment.status == "pending") == 1


def test_an_event_for_a_payment_we_do_not_know_is_recorded_and_changes_nothing(app, client, placed):
    payload = event("evt_other", "checkout.session.completed", {**placed, "payment_id": 999_999})
    assert deliver(client, payload).json["outcome"] == "unknown"
    assert order_states(app) == [("awaiting_payment", "unpaid")] * 2


def test_the_browser_is_sent_to_stripe_and_back(app, client, factory, stripe_api):
    seller = factory.user(name="Người bán", phone="0912000911")
    shop = factory.shop(seller, name="Khô cá Sông Đốc")
    variant_id = factory.product(seller, shop, variants=[{"name": "1", "price_vnd": 90_000, "stock": 3}]
                                 ).variant_ids[0]
    client.post("/cart/items", data={"variant_id": variant_id, "quantity": "1"})
    response = client.post("/checkout", data={**ADDRESS, "payment_method": "stripe"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://checkout.stripe.test/c/pay/")
    back = stripe_api[0]["form"]["success_url"][0]
    assert "/checkout/" in back and back.endswith("/done")


def test_the_same_event_delivered_at_the_same_moment_is_applied_once(app, placed, stripe_api):
    from marketplace.extensions import db
    from tests.conftest import make_test_app

    crowd = make_test_app(PAYMENT_METHODS=("cod", "stripe"), STRIPE_SECRET_KEY="sk_test_local",
                          STRIPE_WEBHOOK_SECRET=SECRET, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10, "max_overflow": 0})
    payload = event("evt_raced", "checkout.session.completed", placed)
    start, answers = threading.Barrier(8), []

    def deliver_now():
        client = crowd.test_client()
        start.wait(timeout=30)
        response = deliver(client, payload)
        answers.append((response.status_code, (response.json or {}).get("outcome")))

    threads = [threading.Thread(target=deliver_now) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with crowd.app_context():
        db.engine.dispose()
    assert sorted(answers) == [(200, "applied")] + [(200, "duplicate")] * 7, answers
    assert order_states(app) == [("paid", "paid")] * 2
    assert count(app, OrderEvent, OrderEvent.to_status == "paid") == 2


def test_money_arriving_after_the_orders_expired_is_flagged_for_a_refund(app, client, placed):
    from datetime import timedelta

    from marketplace.orders.cli import run_expiry
    from marketplace.utils import utcnow

    with app.app_context():
        assert run_expiry(now=utcnow() + timedelta(hours=2)) == 2
    assert deliver(client, event("evt_late", "checkout.session.completed", placed)).json["outcome"] == "flagged"
    assert order_states(app) == [("cancelled", "unpaid")] * 2
    assert count(app, PaymentEvent, PaymentEvent.outcome == "flagged", PaymentEvent.note.contains("refund")) == 1
    assert stock_of(app, placed["variants"][0]) == 5, "the stock came back when they expired, once"


def test_a_paid_order_cancelled_by_its_seller_is_refunded_through_stripe_once(app, client, placed, stripe_api):
    from marketplace.extensions import db
    from marketplace.payments.models import Refund
    from tests.conftest import token_for

    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    with app.app_context():
        order = db.session.scalar(db.select(Order).order_by(Order.id))
        order_id, total, seller_phone = order.id, order.total_vnd, order.shop.members[0].user.phone
    seller = token_for(client, type("Seller", (), {"login": seller_phone, "password": "matkhau123"}))
    cancelled = client.post(f"/api/v1/seller/orders/{order_id}/cancel", json={"reason": "Hết hàng đợt này"},
                            headers=seller)
    assert cancelled.status_code == 200, cancelled.json
    assert (cancelled.json["status"], cancelled.json["payment_status"]) == ("cancelled", "refunded")
    refund_call = stripe_api[-1]
    assert refund_call["path"] == "/v1/refunds"
    assert refund_call["form"]["payment_intent"] == ["pi_test_1"] and refund_call["form"]["amount"] == [str(total)]
    assert refund_call["headers"]["Idempotency-Key"] == f"refund-order-{order_id}"
    assert count(app, Refund, Refund.via == "stripe", Refund.amount_vnd == total) == 1
    assert stock_of(app, placed["variants"][0]) == 5
    again = client.post(f"/api/v1/seller/orders/{order_id}/cancel", json={"reason": "Hết hàng đợt này"},
                        headers=seller)
    assert again.status_code == 409 and count(app, Refund) == 1 and len(stripe_api) == 2
    assert order_states(app)[1] == ("paid", "paid"), "the other shop's order is untouched"


def test_a_refund_that_stripe_refuses_cancels_nothing(app, client, placed, stripe_api, monkeypatch):
    from marketplace.extensions import db
    from marketplace.payments.models import Refund
    from tests.conftest import token_for

    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "http://127.0.0.1:9")  # nothing listens there
    with app.app_context():
        order = db.session.scalar(db.select(Order).order_by(Order.id))
        order_id, seller_phone = order.id, order.shop.members[0].user.phone
    seller = token_for(client, type("Seller", (), {"login": seller_phone, "password": "matkhau123"}))
    refused = client.post(f"/api/v1/seller/orders/{order_id}/cancel", json={"reason": "Hết hàng đợt này"},
                          headers=seller)
    assert refused.status_code == 422 and "hoàn tiền" in refused.json["detail"]
    assert order_states(app) == [("paid", "paid")] * 2
    assert count(app, Refund) == 0 and stock_of(app, placed["variants"][0]) == 4


# --- refunds made in Stripe's dashboard (charge.refunded) -------------------------------------------

def refunded(event_id: str, placed: dict, amount_refunded: int, **obj) -> bytes:
    """Stripe's charge.refunded: a Charge, found by its payment intent (it carries none of our metadata)."""
    data = {"id": "ch_test_1", "object": "charge", "amount": placed["amount"], "currency": "vnd",
            "amount_refunded": amount_refunded, "refunded": amount_refunded == placed["amount"],
            "payment_intent": "pi_test_1", "metadata": {}, **obj}
    return json.dumps({"id": event_id, "object": "event", "type": "charge.refunded", "data": {"object": data}}).encode()


def notices(app, user_id: int) -> list[str]:
    from marketplace.extensions import db
    from marketplace.notifications.models import Notification

    with app.app_context():
        return list(db.session.scalars(db.select(Notification.message).where(
            Notification.user_id == user_id, Notification.kind != "new_order").order_by(Notification.id)))


def sellers(app) -> list[dict]:
    """Each order's code, id, total and its shop's seller (id and a token-ready login), in order."""
    from marketplace.extensions import db

    with app.app_context():
        return [{"code": o.code, "id": o.id, "total": o.total_vnd, "user_id": o.shop.members[0].user_id,
                 "login": o.shop.members[0].user.phone}
                for o in db.session.scalars(db.select(Order).order_by(Order.id))]


@pytest.fixture
def admin(app, factory):
    from tests.shopping import make_admin

    user = factory.user(name="Quản trị tỉnh", phone="0912000990")
    make_admin(app, user)
    return user


def test_a_full_refund_made_in_stripe_cancels_the_paid_orders_once_and_asks_stripe_for_nothing(
        app, client, placed, stripe_api, admin):
    from marketplace.payments.models import Refund
    from tests.conftest import token_for

    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    payload = refunded("evt_refunded", placed, placed["amount"])
    assert [deliver(client, payload).json["outcome"] for _ in range(2)] == ["applied", "duplicate"]

    assert order_states(app) == [("cancelled", "refunded")] * 2
    assert [stock_of(app, variant) for variant in placed["variants"]] == [5, 5], "stock back, once"
    assert count(app, OrderEvent, OrderEvent.to_status == "cancelled", OrderEvent.actor_role == "system") == 2
    assert count(app, Payment, Payment.status == "refunded") == 1
    assert count(app, Refund, Refund.via == "stripe", Refund.reference.is_(None)) == 2
    assert [call["path"] for call in stripe_api] == ["/v1/checkout/sessions"], "Stripe already gave it back"
    for seller in sellers(app):
        (notice,) = notices(app, seller["user_id"])
        assert seller["code"] in notice and "hoàn" in notice and "huỷ" in notice
    assert notices(app, admin.id) == [], "nothing for an admin to do"
    again = client.post(f"/api/v1/admin/orders/{sellers(app)[0]['id']}/refund", json={"reason": "Hoàn lại lần nữa"},
                        headers=token_for(client, admin))
    assert again.status_code == 409 and count(app, Refund) == 2 and len(stripe_api) == 1


def test_a_refund_delivered_at_the_same_moment_is_applied_once(app, client, placed, stripe_api):
    from marketplace.extensions import db
    from marketplace.payments.models import Refund
    from tests.conftest import make_test_app

    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    crowd = make_test_app(PAYMENT_METHODS=("cod", "stripe"), STRIPE_SECRET_KEY="sk_test_local",
                          STRIPE_WEBHOOK_SECRET=SECRET, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10, "max_overflow": 0})
    payload = refunded("evt_refund_raced", placed, placed["amount"])
    start, answers = threading.Barrier(8), []

    def deliver_now():
        client = crowd.test_client()
        start.wait(timeout=30)
        response = deliver(client, payload)
        answers.append((response.status_code, (response.json or {}).get("outcome")))

    threads = [threading.Thread(target=deliver_now) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with crowd.app_context():
        db.engine.dispose()
    assert sorted(answers) == [(200, "applied")] + [(200, "duplicate")] * 7, answers
    assert order_states(app) == [("cancelled", "refunded")] * 2
    assert [stock_of(app, variant) for variant in placed["variants"]] == [5, 5]
    assert count(app, Refund) == 2 and count(app, OrderEvent, OrderEvent.to_status == "cancelled") == 2


def test_a_partial_refund_made_in_stripe_cancels_nothing_and_is_flagged_for_an_admin(app, client, placed, admin):
    from marketplace.payments.models import Refund

    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    response = deliver(client, refunded("evt_partly", placed, 100_000))
    assert response.status_code == 200 and response.json["outcome"] == "flagged"
    assert order_states(app) == [("paid", "paid")] * 2
    assert [stock_of(app, variant) for variant in placed["variants"]] == [4, 4]
    assert count(app, Payment, Payment.status == "succeeded") == 1 and count(app, Refund) == 0
    assert count(app, PaymentEvent, PaymentEvent.outcome == "flagged", PaymentEvent.note.contains("100000")) == 1
    (told,) = notices(app, admin.id)
    assert "100.000" in told and all(seller["code"] in told for seller in sellers(app))
    for seller in sellers(app):
        (notice,) = notices(app, seller["user_id"])
        assert "100.000" in notice and seller["code"] in notice


def test_our_own_refund_echoed_by_stripe_is_not_news_and_the_rest_refunded_there_follows(
        app, client, placed, stripe_api, admin):
    from marketplace.payments.models import Refund
    from tests.conftest import token_for

    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    first, second = sellers(app)
    seller = token_for(client, type("Seller", (), {"login": first["login"], "password": "matkhau123"}))
    assert client.post(f"/api/v1/seller/orders/{first['id']}/cancel", json={"reason": "Hết hàng đợt này"},
                       headers=seller).status_code == 200
    assert len(stripe_api) == 2, "the app asked Stripe for the first order's refund"

    echo = deliver(client, refunded("evt_echo", placed, first["total"]))
    assert echo.json["outcome"] == "ignored", "Stripe telling us of our own refund"
    assert order_states(app) == [("cancelled", "refunded"), ("paid", "paid")]
    assert notices(app, admin.id) == [] and notices(app, second["user_id"]) == []

    rest = deliver(client, refunded("evt_rest", placed, placed["amount"]))
    assert rest.json["outcome"] == "applied"
    assert order_states(app) == [("cancelled", "refunded")] * 2
    assert count(app, Refund, Refund.order_id == second["id"], Refund.via == "stripe") == 1
    assert len(stripe_api) == 2, "the second order's money Stripe gave back itself"
    assert stock_of(app, placed["variants"][1]) == 5


def test_a_refund_made_in_stripe_after_an_order_left_the_shop_keeps_it_and_flags_it(
        app, client, placed, stripe_api, admin):
    from marketplace.extensions import db
    from marketplace.payments.models import Refund
    from tests.conftest import token_for

    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    shipped, waiting = sellers(app)
    seller = token_for(client, type("Seller", (), {"login": shipped["login"], "password": "matkhau123"}))
    assert client.post(f"/api/v1/seller/orders/{shipped['id']}/confirm", headers=seller).status_code == 200
    assert client.post(f"/api/v1/seller/orders/{shipped['id']}/ship", json={"carrier": "Viettel Post"},
                       headers=seller).status_code == 200

    response = deliver(client, refunded("evt_refunded_late", placed, placed["amount"]))
    assert response.json["outcome"] == "flagged"
    assert order_states(app) == [("shipped", "refunded"), ("cancelled", "refunded")]
    assert [stock_of(app, variant) for variant in placed["variants"]] == [4, 5], "the shipped goods are gone"
    assert count(app, Refund, Refund.via == "stripe") == 2 and len(stripe_api) == 1
    assert count(app, PaymentEvent, PaymentEvent.outcome == "flagged",
                 PaymentEvent.note.contains(shipped["code"])) == 1
    (told,) = notices(app, admin.id)
    assert shipped["code"] in told and waiting["code"] not in told
    (notice,) = notices(app, shipped["user_id"])
    assert shipped["code"] in notice and "huỷ" not in notice
    with app.app_context():
        timeline = db.session.get(Order, shipped["id"]).events
        assert (timeline[-1].from_status, timeline[-1].to_status) == ("shipped", "shipped") and timeline[-1].note
    assert client.post(f"/api/v1/seller/orders/{shipped['id']}/deliver", headers=seller).status_code == 200
    assert order_states(app)[0] == ("delivered", "refunded"), "the goods still travel; the money stays refunded"
    figures = client.get("/api/v1/admin/figures", headers=token_for(client, admin)).json
    assert sum(month["sales_vnd"] for month in figures["months"]) == 0, "refunded orders are no sales"


def test_a_refund_of_a_charge_we_do_not_know_is_recorded_and_changes_nothing(app, client, placed):
    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    payload = refunded("evt_other_charge", placed, placed["amount"], payment_intent="pi_someone_else")
    assert deliver(client, payload).json["outcome"] == "unknown"
    assert order_states(app) == [("paid", "paid")] * 2


# --- STRIPE_WEBHOOK_TOLERANCE -----------------------------------------------------------------------

def test_the_webhook_tolerance_is_a_setting(app, client, placed, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_TOLERANCE", 60)
    payload = event("evt_paid", "checkout.session.completed", placed)
    stale = deliver(client, payload, signed(payload, at=int(time.time()) - 120))
    assert stale.status_code == 400, "two minutes old is a replay when the setting says one"
    assert order_states(app) == [("awaiting_payment", "unpaid")] * 2
    fresh = deliver(client, payload, signed(payload, at=int(time.time()) - 30))
    assert fresh.status_code == 200 and fresh.json["outcome"] == "applied"


def test_a_webhook_tolerance_of_zero_is_refused_at_start():
    from tests.conftest import make_test_app

    with pytest.raises(RuntimeError, match="STRIPE_WEBHOOK_TOLERANCE"):
        make_test_app(STRIPE_WEBHOOK_TOLERANCE=0)


# --- unsigned callbacks: throttled per address, kept short ------------------------------------------

def test_forged_webhooks_are_throttled_per_address_and_kept_short_while_signed_ones_pass(
        app, client, placed, monkeypatch):
    import hashlib

    from marketplace.extensions import db

    monkeypatch.setitem(app.config, "CALLBACK_RATE_LIMIT", "3 per minute")
    forger = {"REMOTE_ADDR": "203.0.113.7"}
    forged = event("evt_forged", "checkout.session.completed", placed, padding="x" * 100_000)
    headers = signed(forged, secret="whsec_someone_else")
    answers = [client.post("/payments/stripe/webhook", data=forged, headers=headers, environ_base=forger).status_code
               for _ in range(6)]
    assert answers == [400, 400, 400, 429, 429, 429]
    with app.app_context():
        rows = db.session.scalars(db.select(PaymentEvent).where(PaymentEvent.outcome == "rejected")).all()
        assert len(rows) == 3, "past the limit nothing more is stored"
        assert all(len(row.payload.encode()) <= 2048 for row in rows)
        assert {(row.payload_bytes, row.payload_sha256) for row in rows} == {
            (len(forged), hashlib.sha256(forged).hexdigest())}
    elsewhere = client.post("/payments/stripe/webhook", data=forged, headers=headers,
                            environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert elsewhere.status_code == 400, "the limit is per address"

    genuine = [event(f"evt_{n}", "checkout.session.completed", placed) for n in range(5)]
    answers = [client.post("/payments/stripe/webhook", data=payload, headers=signed(payload),
                           environ_base=forger).json["outcome"] for payload in genuine]
    assert answers == ["applied"] + ["ignored"] * 4, "signed callbacks from that very address are never throttled"
    assert order_states(app) == [("paid", "paid")] * 2


def test_a_completed_order_refunded_in_stripe_stays_completed_and_is_no_longer_a_sale(
        app, client, placed, admin):
    from marketplace.extensions import db
    from marketplace.orders.services import complete_order
    from tests.conftest import token_for

    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    done, _waiting = sellers(app)
    seller = token_for(client, type("Seller", (), {"login": done["login"], "password": "matkhau123"}))
    for step, body in (("confirm", None), ("ship", {"carrier": "Viettel Post"}), ("deliver", None)):
        assert client.post(f"/api/v1/seller/orders/{done['id']}/{step}", json=body, headers=seller).status_code == 200
    with app.app_context():
        complete_order(db.session.get(Order, done["id"]), None)  # the buyer says it arrived
        db.session.commit()
    figures = client.get("/api/v1/admin/figures", headers=token_for(client, admin)).json
    assert sum(month["sales_vnd"] for month in figures["months"]) == placed["amount"]

    assert deliver(client, refunded("evt_refunded_after", placed, placed["amount"])).json["outcome"] == "flagged"
    assert order_states(app) == [("completed", "refunded"), ("cancelled", "refunded")]
    figures = client.get("/api/v1/admin/figures", headers=token_for(client, admin)).json
    assert sum(month["sales_vnd"] for month in figures["months"]) == 0, "money given back is no sale"


def test_a_refund_reported_before_the_payment_is_flagged_and_changes_nothing(app, client, placed, admin):
    """Stripe does not promise order: a refund may arrive before the session's completion was applied."""
    early = refunded("evt_refund_first", placed, placed["amount"], metadata={"payment_id": str(placed["payment_id"])})
    assert deliver(client, early).json["outcome"] == "flagged"
    assert order_states(app) == [("awaiting_payment", "unpaid")] * 2
    assert count(app, Payment, Payment.status == "pending") == 1
    (told,) = notices(app, admin.id)
    assert f"#{placed['payment_id']}" in told


# --- an admin's refund is an admin decision: in the audit log -----------------------------------------------

def test_an_admin_refund_is_in_the_audit_log_and_one_that_stripe_refuses_is_not(
        app, client, placed, stripe_api, admin, monkeypatch):
    from marketplace.audit.models import AuditEntry
    from marketplace.extensions import db
    from tests.conftest import login, token_for

    deliver(client, event("evt_paid", "checkout.session.completed", placed))
    first, _second = sellers(app)
    headers, reason = token_for(client, admin), "Người bán không giao được"
    stripe_base = app.config["STRIPE_API_BASE"]
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "http://127.0.0.1:9")  # nothing listens there
    refused = client.post(f"/api/v1/admin/orders/{first['id']}/refund", json={"reason": reason}, headers=headers)
    assert refused.status_code == 422 and count(app, AuditEntry) == 0, "nothing refunded, nothing logged"

    monkeypatch.setitem(app.config, "STRIPE_API_BASE", stripe_base)
    done = client.post(f"/api/v1/admin/orders/{first['id']}/refund", json={"reason": reason}, headers=headers)
    assert done.status_code == 200, done.json
    with app.app_context():
        (entry,) = db.session.scalars(db.select(AuditEntry)).all()
        assert (entry.actor_id, entry.action, entry.subject_type, entry.subject_id, entry.reason) == (
            admin.id, "order.refund", "order", first["id"], reason)
        assert entry.details == {"code": first["code"], "amount_vnd": first["total"]}
    again = client.post(f"/api/v1/admin/orders/{first['id']}/refund", json={"reason": reason}, headers=headers)
    assert again.status_code == 409 and count(app, AuditEntry) == 1

    as_admin = app.test_client()
    login(as_admin, admin)
    page = as_admin.get("/admin/audit").get_data(as_text=True)
    assert f"Hoàn tiền đơn hàng #{first['id']}" in page and reason in page
