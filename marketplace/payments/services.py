"""Provider callbacks applied once, in order, and only when the money is right.

Every callback is stored as a PaymentEvent. Its (provider, event id) is unique and inserted first, in
the transaction that applies it: the same event delivered five times, or twice at once, is applied
once (the others find the row and answer "duplicate"). A payment's status only moves forward
(models.MOVES_FROM), by a conditional UPDATE. A success whose amount or currency differs from what is
owed marks nothing paid: the event is flagged for an admin, and the admins are told.

A refund the provider reports (Stripe's charge.refunded) is our own refunds echoed back, or money given
back outside the app (Stripe's dashboard). Only the second changes anything: given back in full, the
payment becomes refunded and its orders follow; given back in part, nothing is cancelled (which order
would it be?) and an admin decides. What the orders do is the orders feature's to say: its handlers
(payments/handlers.py).
"""

import hashlib
from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.services import notify_admins
from ..extensions import db
from ..utils import format_vnd, parse_id
from .base import (
    PAID_AFTER_CANCEL,
    PARTIAL_REFUND,
    REFUND_AFTER_SHIPPING,
    REFUND_OF_UNPAID,
    REJECTED,
    UNREADABLE,
    WRONG_AMOUNT,
    BadSignature,
    Callback,
    CallbackResult,
    PaymentMethod,
    ProviderCall,
    UnreadableCallback,
)
from .handlers import order_handlers
from .models import MOVES_FROM, REFUNDED, SUCCEEDED, Payment, PaymentEvent
from .refunds import refunded_through_provider_vnd

UNSIGNED_KEPT_BYTES = 2048  # of a body whose signature did not hold: enough to see what it was


def receive_callback(method: PaymentMethod, call: ProviderCall) -> CallbackResult:
    """What a callback route does with a provider's call, and what the sandbox wallet does in-process with
    the IPN it sends: the method checks the signature and reads the call, then it is applied once."""
    try:
        callback = method.read_callback(call)
    except BadSignature as refusal:
        record_rejected(method.name, refusal.payload, refusal.note)
        return CallbackResult(REJECTED)
    except UnreadableCallback:
        return CallbackResult(UNREADABLE)
    return apply_callback(callback)


def record_rejected(provider: str, payload: bytes, note: str) -> None:
    """A callback whose signature did not hold: kept for an admin, applied never. Anyone can send one, so
    only a prefix is kept, with the size and hash of the whole."""
    db.session.add(PaymentEvent(
        provider=provider, event_id=None, signature_ok=False, outcome="rejected", note=note[:255],
        payload=payload[:UNSIGNED_KEPT_BYTES].decode("utf-8", "replace"), payload_bytes=len(payload),
        payload_sha256=hashlib.sha256(payload).hexdigest()))
    db.session.flush()


def payment_by_reference(provider: str, reference: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.provider == provider, Payment.reference == reference))


def find_payment(callback: Callback) -> Payment | None:
    if callback.reference is not None:
        return payment_by_reference(callback.provider, callback.reference)
    payment_id = parse_id(callback.payment_id)
    if payment_id:
        return db.session.get(Payment, payment_id)
    if callback.charge_reference:  # a refund's Charge carries no metadata of ours, only the payment intent
        return db.session.scalar(select(Payment).where(Payment.provider == callback.provider,
                                                       Payment.charge_reference == callback.charge_reference))
    return None


def apply_callback(callback: Callback) -> CallbackResult:
    event = PaymentEvent(provider=callback.provider, event_id=callback.event_id, event_type=callback.event_type,
                         amount_vnd=callback.amount_vnd, currency=callback.currency, signature_ok=True,
                         payload=callback.payload[:20_000])
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:
        return CallbackResult("duplicate")
    payment = find_payment(callback)
    if payment is None or payment.provider != callback.provider:
        event.outcome, event.note = "unknown", "no payment of ours matches this event"
        return CallbackResult(event.outcome)
    event.payment_id = payment.id
    if callback.new_status is None:
        event.outcome = "ignored"
        return CallbackResult(event.outcome)
    if callback.new_status == REFUNDED:
        return _apply_refund(event, payment, callback)
    if callback.new_status == SUCCEEDED and (callback.amount_vnd != payment.amount_vnd
                                             or (callback.currency or "").lower() != payment.currency):
        return _flag(event, WRONG_AMOUNT,
                     f"paid {callback.amount_vnd} {callback.currency}, owed {payment.amount_vnd} {payment.currency}",
                     lambda: _("Thanh toán #%(id)s báo sai số tiền hoặc loại tiền (cần %(owed)s): chưa đơn nào "
                               "được ghi là đã trả. Hãy kiểm tra với cổng thanh toán.", id=payment.id,
                               owed=format_vnd(payment.amount_vnd)))
    if not _move(payment, callback.new_status):
        event.outcome, event.note = "ignored", f"payment already {payment.status}"
        return CallbackResult(event.outcome)
    if callback.new_status == SUCCEEDED and callback.charge_reference:
        payment.charge_reference = callback.charge_reference
    if callback.new_status == SUCCEEDED and not order_handlers().paid(payment.checkout):
        # The money came after the orders expired or were cancelled: it is owed back.
        return _flag(event, PAID_AFTER_CANCEL, "paid after its orders were cancelled: refund it",
                     lambda: _("Tiền của thanh toán #%(id)s (%(amount)s, đơn %(codes)s) đến sau khi đơn đã huỷ: "
                               "hãy hoàn lại cho người mua.", id=payment.id, amount=format_vnd(payment.amount_vnd),
                               codes=_codes(payment)))
    event.outcome = "applied"
    db.session.flush()
    return CallbackResult(event.outcome)


def _apply_refund(event: PaymentEvent, payment: Payment, callback: Callback) -> CallbackResult:
    """Refunds we made through the provider come back as refund events too: only what the provider gave
    back beyond them is news."""
    refunded = callback.refunded_vnd or 0
    outside = refunded - refunded_through_provider_vnd(payment)
    if refunded < payment.amount_vnd:
        if outside <= 0:
            event.outcome, event.note = "ignored", "our own refunds"
            return CallbackResult(event.outcome)
        order_handlers().partly_refunded(payment.checkout, outside)
        return _flag(event, PARTIAL_REFUND,
                     f"refunded {outside} of {payment.amount_vnd} vnd at the provider: orders unchanged, decide",
                     lambda: _("Thanh toán #%(id)s (đơn %(codes)s) được hoàn một phần ngoài ứng dụng: %(refunded)s "
                               "trên %(amount)s. Không đơn nào bị huỷ: hãy xem đơn nào cần huỷ hay hoàn.",
                               id=payment.id, codes=_codes(payment), refunded=format_vnd(outside),
                               amount=format_vnd(payment.amount_vnd)))
    if payment.status != SUCCEEDED:
        if payment.status == REFUNDED:
            event.outcome, event.note = "ignored", "payment already refunded"
            return CallbackResult(event.outcome)
        # Stripe refunds only what it took: our record of the payment is behind (its success not yet here).
        return _flag(event, REFUND_OF_UNPAID, f"refunded at the provider while the payment is {payment.status}",
                     lambda: _("Cổng thanh toán báo đã hoàn tiền thanh toán #%(id)s (đơn %(codes)s), nhưng thanh "
                               "toán này chưa được ghi là đã trả: hãy kiểm tra.", id=payment.id,
                               codes=_codes(payment)))
    if not _move(payment, REFUNDED):
        event.outcome, event.note = "ignored", f"payment already {payment.status}"
        return CallbackResult(event.outcome)
    cancelled, kept = order_handlers().refunded(payment.checkout, payment)
    if kept:
        codes = ", ".join(order.code for order in kept)
        return _flag(event, REFUND_AFTER_SHIPPING,
                     f"refunded at the provider after {codes} left the shop: settle with the shop",
                     lambda: _("Người mua đã được hoàn tiền đơn %(codes)s qua cổng thanh toán sau khi đơn đã gửi "
                               "đi: hãy giải quyết với gian hàng và người mua.", codes=codes),
                     order_id=kept[0].id)
    event.outcome = "applied"
    event.note = f"refunded at the provider: {len(cancelled)} orders cancelled"
    db.session.flush()
    return CallbackResult(event.outcome)


def _move(payment: Payment, status: str) -> bool:
    moved = db.session.execute(
        update(Payment).where(Payment.id == payment.id, Payment.status.in_(MOVES_FROM[status]))
        .values(status=status).execution_options(synchronize_session=False)).rowcount == 1
    db.session.expire(payment, ["status"])
    return moved


def _flag(event: PaymentEvent, flag: str, note: str, tell: Callable[[], str], *,
          order_id: int | None = None) -> CallbackResult:
    """Kept for an admin, and the admins told: money moved that the orders cannot simply follow."""
    event.outcome, event.note = "flagged", note[:255]
    notify_admins("payment_flagged", tell, order_id=order_id,
                  mail_subject=lambda: _("Chợ Quê: một khoản thanh toán cần quản trị viên xử lý"))
    db.session.flush()
    return CallbackResult(event.outcome, flag)


def _codes(payment: Payment) -> str:
    return ", ".join(order.code for order in payment.checkout.orders)
