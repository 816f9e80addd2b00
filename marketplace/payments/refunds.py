"""Giving a paid order's money back when it is cancelled: in full, once (unique per order, and the provider's
idempotency key per order), before the cancellation commits, so a refund that fails cancels nothing.
Money the provider gave back on its own (a refund made in Stripe's dashboard) is only recorded."""

from ..extensions import db
from .models import SUCCEEDED, Payment, Refund
from .registry import METHODS


def refund_order(order, actor) -> Refund:
    """Through the provider that took the money when it can give it back (Stripe), else a manual refund."""
    payment = db.session.scalar(db.select(Payment).where(
        Payment.checkout_id == order.checkout_id, Payment.provider == order.payment_method,
        Payment.status == SUCCEEDED).order_by(Payment.id.desc()))
    reference = METHODS[order.payment_method].refund(order, payment)
    return _record(order, payment, order.payment_method if reference else "manual", reference, actor)


def record_provider_refund(order, payment: Payment) -> Refund:
    """The provider already gave this order's money back: recorded as a refund through it (never asked
    for again, since an order has one refund), by nobody of ours."""
    return _record(order, payment, payment.provider, None, None)


def refunded_through_provider_vnd(payment: Payment) -> int:
    """What the refunds we have recorded took back through the payment's provider."""
    return db.session.scalar(db.select(db.func.coalesce(db.func.sum(Refund.amount_vnd), 0)).where(
        Refund.payment_id == payment.id, Refund.via == payment.provider))


def _record(order, payment: Payment | None, via: str, reference: str | None, actor) -> Refund:
    row = Refund(order_id=order.id, payment_id=payment.id if payment else None, amount_vnd=order.total_vnd,
                 via=via, reference=reference, actor_id=actor.id if actor else None)
    db.session.add(row)
    db.session.flush()
    return row
