"""`flask orders expire`: online orders not paid in time are cancelled and their stock given back, once.

The orders are bank transfers (vietqr), which wait for the seller to see the money arrive; they go
through the real checkout service and start awaiting payment."""

import threading
from datetime import timedelta

import pytest

from marketplace.orders.models import Order, OrderEvent
from tests.shopping import ADDRESS, count, give_bank_account, stock_of


@pytest.fixture
def goods(app, factory):
    seller = factory.user(name="Chủ gian hàng", phone="0912000501")
    shop = factory.shop(seller, name="Khô cá Sông Đốc", shipping_fee_vnd=15_000)
    give_bank_account(app, seller, shop)
    return factory.product(seller, shop, title="Khô cá sặc", variants=[
        {"name": "500 g", "price_vnd": 120_000, "stock": 20}])


def place(app, variant_id: int, quantity: int, method: str = "vietqr") -> int:
    from marketplace.cart.services import CartOwner, add_item, new_guest_token
    from marketplace.extensions import db
    from marketplace.orders.services import place_checkout

    with app.app_context():
        owner = CartOwner.for_guest(new_guest_token())
        add_item(owner, variant_id, quantity)
        checkout = place_checkout(owner, user=None, address=ADDRESS, payment_method=method)
        db.session.commit()
        return checkout.id


def later(minutes: int = 24 * 60 + 1):
    """Just past a transfer's window (VIETQR_PAYMENT_HOURS, 24 in tests)."""
    from marketplace.utils import utcnow

    return utcnow() + timedelta(minutes=minutes)


def test_an_online_order_waits_for_payment_until_its_deadline(app, goods):
    from marketplace.extensions import db
    from marketplace.orders.models import Checkout
    from marketplace.orders.services import payment_summary

    checkout_id = place(app, goods.variant_ids[0], 3)
    with app.app_context():
        checkout = db.session.get(Checkout, checkout_id)
        (order,) = checkout.orders
        assert order.status == "awaiting_payment" and order.payment_status == "unpaid"
        summary = payment_summary(checkout)
        assert summary["status"] == "awaiting_transfer" and summary["amount_vnd"] == 3 * 120_000 + 15_000
        assert summary["due_at"] is not None
        (transfer,) = summary["transfers"]
        assert transfer["purpose"] == order.code and transfer["account_number"] == "1012345678"
        assert transfer["amount_vnd"] == 375_000 and transfer["amount_words"] == "Ba trăm bảy mươi lăm nghìn đồng"
        assert "0006970436011010123456780208QRIBFTTA" in summary["qr_payload"]
    assert stock_of(app, goods.variant_ids[0]) == 17, "taken when placed, not when paid"


def test_the_cli_expires_unpaid_orders_once_even_when_run_twice(app, goods, monkeypatch):
    monkeypatch.setitem(app.config, "VIETQR_PAYMENT_HOURS", 0)
    place(app, goods.variant_ids[0], 3)
    place(app, goods.variant_ids[0], 2)
    place(app, goods.variant_ids[0], 1, method="cod")  # COD never expires
    assert stock_of(app, goods.variant_ids[0]) == 14

    runner = app.test_cli_runner()
    first = runner.invoke(args=["orders", "expire"])
    assert first.exit_code == 0, first.output
    assert "Expired 2 unpaid orders." in first.output
    assert stock_of(app, goods.variant_ids[0]) == 19
    second = runner.invoke(args=["orders", "expire"])
    assert "Expired 0 unpaid orders." in second.output
    assert stock_of(app, goods.variant_ids[0]) == 19, "given back exactly once"

    assert count(app, Order, Order.status == "cancelled") == 2
    assert count(app, Order, Order.status == "placed") == 1
    assert count(app, OrderEvent, OrderEvent.actor_role == "system", OrderEvent.to_status == "cancelled") == 2


def test_orders_paid_in_time_or_not_yet_due_are_left_alone(app, goods):
    from marketplace.extensions import db
    from marketplace.orders.cli import run_expiry
    from marketplace.orders.models import Checkout
    from marketplace.orders.services import record_payment

    paid = place(app, goods.variant_ids[0], 2)
    place(app, goods.variant_ids[0], 4)
    with app.app_context():
        (order,) = record_payment(db.session.get(Checkout, paid))
        assert order.status == "paid" and order.payment_status == "paid"
        db.session.commit()
        assert run_expiry() == 0, "the other one is not due yet"
        assert run_expiry(now=later()) == 1
    assert stock_of(app, goods.variant_ids[0]) == 18
    assert count(app, Order, Order.status == "paid") == 1


def test_two_runs_at_the_same_moment_give_stock_back_once(app, goods):
    from marketplace.extensions import db
    from marketplace.orders.cli import run_expiry

    for quantity in (1, 2, 3, 1, 2, 3):
        place(app, goods.variant_ids[0], quantity)
    assert stock_of(app, goods.variant_ids[0]) == 8
    now, start, results, errors = later(), threading.Barrier(2), [], []

    def run() -> None:
        with app.app_context():
            try:
                start.wait()
                results.append(run_expiry(now=now))
            except Exception as error:  # reported below: the assertion shows what went wrong
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sum(results) == 6, (results, errors)
    assert stock_of(app, goods.variant_ids[0]) == 20
    assert count(app, OrderEvent, OrderEvent.to_status == "cancelled") == 6
