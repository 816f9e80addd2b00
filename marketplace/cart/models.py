from datetime import datetime

from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import db
from ..utils import utcnow


class Cart(db.Model):
    """A buyer's cart: a signed-in user's (one per account, so every device sees it) or a guest's,
    found by a random token the browser keeps in its session (only its hash is stored)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str | None] = mapped_column(db.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    # Old guest carts can be swept by age.
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                 index=True)

    items = relationship("CartItem", back_populates="cart", cascade="all, delete-orphan", order_by="CartItem.id")

    __table_args__ = (db.CheckConstraint("(user_id IS NULL) <> (token_hash IS NULL)", name="one_owner"),)


class CartItem(db.Model):
    """A variant and how many. The price the buyer saw is kept so that a later change is shown to
    them before they pay instead of being charged silently; the names are kept so that a line whose
    variant the seller removed can still say what it was."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(db.ForeignKey("cart.id", ondelete="CASCADE"), index=True)
    # SET NULL rather than CASCADE: the line stays in the cart, marked as no longer sold.
    variant_id: Mapped[int | None] = mapped_column(db.ForeignKey("variant.id", ondelete="SET NULL"), index=True)
    quantity: Mapped[int]
    price_seen_vnd: Mapped[int] = mapped_column(db.BigInteger)
    product_title: Mapped[str] = mapped_column(db.String(200))
    variant_name: Mapped[str] = mapped_column(db.String(60))
    added_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    cart = relationship("Cart", back_populates="items")
    # The backref without passive_deletes makes the ORM null this column itself when the catalogue
    # deletes a variant, which also holds on SQLite, where foreign keys are not enforced.
    variant = relationship("Variant", backref=backref("cart_items", passive_deletes=False))

    __table_args__ = (
        db.UniqueConstraint("cart_id", "variant_id", name="uq_cart_item_cart_variant"),
        db.CheckConstraint("quantity > 0", name="quantity_positive"),
    )
