"""Provider callbacks applied once, in order, and only when the money is right.

Every callback is stored as a PaymentEvent. Its (provider, event id) is unique and inserted first, in
the transaction that applies it: the same event delivered five times, or twice at once, is applied
once (the others find the row and answer "duplicate"). A payment's status only moves forward
(models.MOVES_FROM), by a conditional UPDATE. A success whose amount or currency differs from what is
owed marks nothing paid: the event is flagged for an admin.
"""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..orders.services import record_payment
from ..utils import parse_id
from .models import MOVES_FROM, SUCCEEDED, Payment, PaymentEvent


@dataclass(frozen=True)
class Callback:
    """What a provider told us, once its signature held, in our words."""

    provider: str
    event_id: str
    event_type: str
    payment_id: int | None  # from the metadata we gave the provider (Stripe)
    new_status: str | None  # None: an event we only record
    reference: str | None = None  # or the provider's reference for the attempt (VNPay's vnp_TxnRef)
    charge_reference: str | None = None  # what a later refund must name (Stripe's payment intent)
    amount_vnd: int | None = None
    currency: str | None = None
    payload: str = ""


def record_rejected(provider: str, payload: bytes, note: str) -> None:
    """A callback whose signature did not hold: kept for an admin, applied never."""
    db.session.add(PaymentEvent(provider=provider, event_id=None, signature_ok=False, outcome="rejected",
                                note=note[:255], payload=payload.decode("utf-8", "replace")[:20_000]))
    db.session.flush()


def find_payment(callback: Callback) -> Payment | None:
    if callback.reference is not None:
        return db.session.scalar(select(Payment).where(Payment.provider == callback.provider,
                                                       Payment.reference == callback.reference))
    payment_id = parse_id(callback.payment_id)
    return db.session.get(Payment, payment_id) if payment_id else None


def apply_callback(callback: Callback) -> str:
    """The outcome: applied, duplicate, ignored, unknown or flagged."""
    event = PaymentEvent(provider=callback.provider, event_id=callback.event_id, event_type=callback.event_type,
                         amount_vnd=callback.amount_vnd, currency=callback.currency, signature_ok=True,
                         payload=callback.payload[:20_000])
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:
        return "duplicate"
    payment = find_payment(callback)
    if payment is None or payment.provider != callback.provider:
        event.outcome, event.note = "unknown", "no payment of ours matches this event"
        return event.outcome
    event.payment_id = payment.id
    if callback.new_status is None:
        event.outcome = "ignored"
        return event.outcome
    if callback.new_status == SUCCEEDED and (callback.amount_vnd != payment.amount_vnd
                                             or (callback.currency or "").lower() != payment.currency):
        event.outcome = "flagged"
        event.note = f"paid {callback.amount_vnd} {callback.currency}, owed {payment.amount_vnd} {payment.currency}"
        return event.outcome
    moved = db.session.execute(
        update(Payment).where(Payment.id == payment.id, Payment.status.in_(MOVES_FROM[callback.new_status]))
        .values(status=callback.new_status).execution_options(synchronize_session=False)).rowcount == 1
    db.session.expire(payment, ["status"])
    if not moved:
        event.outcome, event.note = "ignored", f"payment already {payment.status}"
        return event.outcome
    if callback.new_status == SUCCEEDED and callback.charge_reference:
        payment.charge_reference = callback.charge_reference
    if callback.new_status == SUCCEEDED and not record_payment(payment.checkout):
        # The money came after the orders expired or were cancelled: it is owed back.
        event.outcome, event.note = "flagged", "paid after its orders were cancelled: refund it"
        db.session.flush()
        return event.outcome
    event.outcome = "applied"
    db.session.flush()
    return event.outcome

