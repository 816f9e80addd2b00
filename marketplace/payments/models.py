"""What happened to the money: each attempt to pay online, and every callback a provider sent."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..utils import utcnow

PENDING, SUCCEEDED, FAILED, EXPIRED, REFUNDED = "pending", "succeeded", "failed", "expired", "refunded"
PAYMENT_STATUSES = (PENDING, SUCCEEDED, FAILED, EXPIRED, REFUNDED)
# A status only moves forward: a late "failed" or "expired" never undoes a success.
MOVES_FROM: dict[str, tuple[str, ...]] = {
    SUCCEEDED: (PENDING, FAILED, EXPIRED),
    FAILED: (PENDING,),
    EXPIRED: (PENDING, FAILED),
    REFUNDED: (SUCCEEDED,),
}


class Payment(db.Model):
    """One attempt to pay a checkout through a provider (a Stripe Checkout Session)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    checkout_id: Mapped[int] = mapped_column(db.ForeignKey("checkout.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(db.String(20))
    amount_vnd: Mapped[int] = mapped_column(db.BigInteger)
    currency: Mapped[str] = mapped_column(db.String(3), default="vnd")
    status: Mapped[str] = mapped_column(db.String(10), default=PENDING)
    reference: Mapped[str | None] = mapped_column(db.String(255))  # the provider's id for the attempt
    # What a refund names (Stripe's payment intent); a refund made at the provider is found by it.
    charge_reference: Mapped[str | None] = mapped_column(db.String(255), index=True)
    redirect_url: Mapped[str | None] = mapped_column(db.Text)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    checkout = relationship("Checkout")

    __table_args__ = (
        db.CheckConstraint("status IN ('pending', 'succeeded', 'failed', 'expired', 'refunded')", name="status"),
        db.UniqueConstraint("provider", "reference", name="uq_payment_provider_reference"),
    )


class PaymentEvent(db.Model):
    """Every callback, kept whatever came of it. (provider, event_id) is unique: a redelivered event is
    recognised inside the same transaction that would apply it, so it is applied once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(db.String(20))
    event_id: Mapped[str | None] = mapped_column(db.String(255))  # None when the signature did not hold
    event_type: Mapped[str] = mapped_column(db.String(80), default="")
    payment_id: Mapped[int | None] = mapped_column(db.ForeignKey("payment.id", ondelete="SET NULL"), index=True)
    amount_vnd: Mapped[int | None] = mapped_column(db.BigInteger)
    currency: Mapped[str | None] = mapped_column(db.String(3))
    signature_ok: Mapped[bool] = mapped_column(default=False)
    # applied, duplicate, ignored (nothing to do or a move backwards), unknown payment, flagged, rejected
    outcome: Mapped[str] = mapped_column(db.String(10), default="")
    note: Mapped[str] = mapped_column(db.String(255), default="")
    # A signed callback is kept whole (up to 20,000 characters). Of an unsigned one only the first 2 KB are
    # kept, with the body's size and SHA-256, which still tell one forged call from another.
    payload: Mapped[str] = mapped_column(db.Text, default="")
    payload_bytes: Mapped[int | None] = mapped_column(db.Integer)
    payload_sha256: Mapped[str | None] = mapped_column(db.String(64))
    received_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)

    __table_args__ = (db.UniqueConstraint("provider", "event_id", name="uq_payment_event_provider_event"),)


class Refund(db.Model):
    """An order's money given back in full when a paid order is cancelled: through the provider that took
    it (Stripe), or recorded as a manual refund that the seller or an admin sends back by transfer; or
    given back by the provider on its own (a refund made in Stripe's dashboard), recorded when it says so."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("order.id", ondelete="CASCADE"), unique=True)
    payment_id: Mapped[int | None] = mapped_column(db.ForeignKey("payment.id", ondelete="SET NULL"), index=True)
    amount_vnd: Mapped[int] = mapped_column(db.BigInteger)
    via: Mapped[str] = mapped_column(db.String(10))  # the provider ("stripe") or "manual"
    reference: Mapped[str | None] = mapped_column(db.String(255))  # the provider's refund id
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
