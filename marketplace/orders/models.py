"""Checkouts, orders, their lines and their history. See services.py for the life of an order."""

from datetime import datetime

from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import db
from ..shops.locations import province_by_code, ward_by_code
from ..utils import utcnow

AWAITING_PAYMENT = "awaiting_payment"
PLACED = "placed"
PAID = "paid"
CONFIRMED = "confirmed"
SHIPPED = "shipped"
DELIVERED = "delivered"
COMPLETED = "completed"
CANCELLED = "cancelled"
STATUSES = (AWAITING_PAYMENT, PLACED, PAID, CONFIRMED, SHIPPED, DELIVERED, COMPLETED, CANCELLED)

UNPAID = "unpaid"
PAYMENT_RECEIVED = "paid"
REFUNDED = "refunded"
PAYMENT_STATUSES = (UNPAID, PAYMENT_RECEIVED, REFUNDED)

COD = "cod"


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Checkout(db.Model):
    """One purchase: the cart as it was paid for, split into one order per shop, with one amount to pay."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    buyer_name: Mapped[str] = mapped_column(db.String(100))
    buyer_phone: Mapped[str] = mapped_column(db.String(20))
    payment_method: Mapped[str] = mapped_column(db.String(20))
    amount_vnd: Mapped[int] = mapped_column(db.BigInteger)
    payment_due_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)

    orders = relationship("Order", back_populates="checkout", order_by="Order.id")

    __table_args__ = (db.CheckConstraint("amount_vnd >= 0", name="amount_not_negative"),)


class Order(db.Model):
    """What one shop has to deliver to one buyer, and where it stands."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(db.String(16), unique=True)
    checkout_id: Mapped[int] = mapped_column(db.ForeignKey("checkout.id", ondelete="CASCADE"), index=True)
    # Indexed by ix_order_shop_status_created, whose first column it is.
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shop.id"))
    shop_name: Mapped[str] = mapped_column(db.String(120))
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(db.String(20))
    payment_method: Mapped[str] = mapped_column(db.String(20))
    payment_status: Mapped[str] = mapped_column(db.String(10), default=UNPAID)
    payment_due_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    recipient: Mapped[str] = mapped_column(db.String(100))
    phone: Mapped[str] = mapped_column(db.String(20))
    province_code: Mapped[int]
    ward_code: Mapped[int]
    street: Mapped[str] = mapped_column(db.String(255))
    note: Mapped[str] = mapped_column(db.Text, default="")
    subtotal_vnd: Mapped[int] = mapped_column(db.BigInteger)
    shipping_fee_vnd: Mapped[int] = mapped_column(db.BigInteger)
    total_vnd: Mapped[int] = mapped_column(db.BigInteger)
    carrier: Mapped[str | None] = mapped_column(db.String(100))
    tracking: Mapped[str | None] = mapped_column(db.String(200))
    cancel_reason: Mapped[str | None] = mapped_column(db.String(500))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    checkout = relationship("Checkout", back_populates="orders")
    shop = relationship("Shop")
    lines = relationship("OrderLine", back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id")
    events = relationship("OrderEvent", back_populates="order", cascade="all, delete-orphan",
                          order_by="OrderEvent.id")

    __table_args__ = (
        db.CheckConstraint(f"status IN ({_in(STATUSES)})", name="status"),
        db.CheckConstraint(f"payment_status IN ({_in(PAYMENT_STATUSES)})", name="payment_status"),
        db.CheckConstraint("total_vnd = subtotal_vnd + shipping_fee_vnd", name="total_adds_up"),
        # The seller's inbox filters each shop's orders by status, newest first.
        db.Index("ix_order_shop_status_created", "shop_id", "status", "created_at"),
        # `orders expire` looks for unpaid orders past their deadline; also serves any filter by status.
        db.Index("ix_order_status_payment_due_at", "status", "payment_due_at"),
    )

    @property
    def awaits_payment(self) -> bool:
        return self.status == AWAITING_PAYMENT

    @property
    def full_address(self) -> str:
        ward, province = ward_by_code(self.ward_code), province_by_code(self.province_code)
        return ", ".join(p for p in (self.street, ward.name if ward else "", province.name if province else "") if p)


class OrderLine(db.Model):
    """What was bought, as it was when bought: a later edit or removal in the catalogue changes nothing here."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("order.id", ondelete="CASCADE"), index=True)
    # The catalogue replaces a product's variant list by deleting the rows left out (Product.variants is
    # delete-orphan). Archiving them instead would change what every catalogue query means, so the line
    # keeps a snapshot (names, unit, price) and loses only the link: ON DELETE SET NULL, and the backref
    # below has the ORM null it too (SQLite does not enforce foreign keys). Stock of a removed variant is
    # not given back on cancellation: there is nothing left to give it to.
    variant_id: Mapped[int | None] = mapped_column(db.ForeignKey("variant.id", ondelete="SET NULL"), index=True)
    product_id: Mapped[int | None] = mapped_column(db.ForeignKey("product.id", ondelete="SET NULL"), index=True)
    product_title: Mapped[str] = mapped_column(db.String(200))
    variant_name: Mapped[str] = mapped_column(db.String(60))
    unit: Mapped[str] = mapped_column(db.String(20))
    unit_price_vnd: Mapped[int] = mapped_column(db.BigInteger)
    quantity: Mapped[int]
    line_total_vnd: Mapped[int] = mapped_column(db.BigInteger)

    order = relationship("Order", back_populates="lines")
    variant = relationship("Variant", backref=backref("order_lines", passive_deletes=False))

    __table_args__ = (
        db.CheckConstraint("quantity > 0", name="quantity_positive"),
        db.CheckConstraint("line_total_vnd = unit_price_vnd * quantity", name="total_adds_up"),
    )


class OrderEvent(db.Model):
    """One step of an order's history: who moved it, when, from which status to which, and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(db.ForeignKey("order.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_role: Mapped[str] = mapped_column(db.String(10))
    from_status: Mapped[str | None] = mapped_column(db.String(20))
    to_status: Mapped[str] = mapped_column(db.String(20))
    note: Mapped[str] = mapped_column(db.Text, default="")
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    order = relationship("Order", back_populates="events")
