from datetime import datetime

from sqlalchemy import and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..cache.versions import ShownInCatalogue
from ..extensions import db
from ..utils import utcnow
from .locations import province_by_code, short_name, ward_by_code


class Shop(ShownInCatalogue, db.Model):
    """A storefront (gian hàng) of a farmer, household business or cooperative."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(120))
    slug: Mapped[str] = mapped_column(db.String(80), unique=True)
    description: Mapped[str] = mapped_column(db.Text, default="")
    logo_id: Mapped[int | None] = mapped_column(db.ForeignKey("image.id", ondelete="SET NULL"), index=True)
    cover_id: Mapped[int | None] = mapped_column(db.ForeignKey("image.id", ondelete="SET NULL"), index=True)
    province_code: Mapped[int] = mapped_column(index=True)
    ward_code: Mapped[int]
    address: Mapped[str] = mapped_column(db.String(255))
    phone: Mapped[str] = mapped_column(db.String(20))
    zalo: Mapped[str | None] = mapped_column(db.String(20))
    bank_bin: Mapped[str | None] = mapped_column(db.String(8))
    bank_account_number: Mapped[str | None] = mapped_column(db.String(19))
    bank_account_name: Mapped[str | None] = mapped_column(db.String(100))
    # Delivery charged on each order of this shop: a flat fee (None: the shop charges none), waived
    # when the order's goods reach free_shipping_from_vnd (None: never waived).
    shipping_fee_vnd: Mapped[int | None] = mapped_column(db.BigInteger)
    free_shipping_from_vnd: Mapped[int | None] = mapped_column(db.BigInteger)
    status: Mapped[str] = mapped_column(db.String(10), default="active", index=True)
    is_verified: Mapped[bool] = mapped_column(default=False)
    # Hidden by an admin (moderation), apart from `status`: the shop's members cannot undo it, and the
    # reason is what they are shown. Both are cleared when an admin unhides the shop.
    hidden_by_admin_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True), index=True)
    moderation_reason: Mapped[str | None] = mapped_column(db.Text)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)

    # Joined: every list of shops (home, directory, API) and every product page shows them.
    logo = relationship("Image", foreign_keys=[logo_id], lazy="joined")
    cover = relationship("Image", foreign_keys=[cover_id], lazy="joined")
    members = relationship("ShopMember", back_populates="shop", cascade="all, delete-orphan")
    products = relationship("Product", back_populates="shop", lazy="dynamic")

    __table_args__ = (
        db.CheckConstraint("status IN ('active', 'hidden')", name="status"),
        db.CheckConstraint("shipping_fee_vnd >= 0", name="shipping_fee_not_negative"),
        db.CheckConstraint("free_shipping_from_vnd > 0", name="free_shipping_from_positive"),
    )

    @property
    def province(self):
        return province_by_code(self.province_code)

    @property
    def province_name(self) -> str:
        province = self.province
        return short_name(province.name) if province else ""

    @property
    def ward(self):
        return ward_by_code(self.ward_code)

    @property
    def full_address(self) -> str:
        ward = self.ward
        parts = [self.address, ward.name if ward else "", self.province_name]
        return ", ".join(p for p in parts if p)

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_bin and self.bank_account_number)

    @hybrid_property
    def is_public(self) -> bool:
        return self.status == "active" and self.hidden_by_admin_at is None

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls):
        return and_(cls.status == "active", cls.hidden_by_admin_at.is_(None))

    def shipping_fee_for(self, subtotal_vnd: int) -> int:
        """The delivery fee of one order whose goods cost subtotal_vnd."""
        if self.free_shipping_from_vnd is not None and subtotal_vnd >= self.free_shipping_from_vnd:
            return 0
        return self.shipping_fee_vnd or 0


class ShopMember(db.Model):
    """Who runs a shop: its owner, and managers such as the hamlet's digital helper."""

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(db.String(10))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    shop = relationship("Shop", back_populates="members")
    user = relationship("User", back_populates="memberships")

    __table_args__ = (
        db.UniqueConstraint("shop_id", "user_id", name="uq_shop_member_shop_user"),
        db.CheckConstraint("role IN ('owner', 'manager')", name="role"),
    )
