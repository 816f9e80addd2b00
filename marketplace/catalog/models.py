from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..cache.versions import ShownInCatalogue
from ..extensions import db
from ..utils import utcnow

STATUSES = ("draft", "active", "hidden", "deleted")
MAX_PHOTOS = 8


class Category(ShownInCatalogue, db.Model):
    """OCOP product groups at the top, the kinds of goods a Mekong seller lists beneath."""

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(db.ForeignKey("category.id"), index=True)
    slug: Mapped[str] = mapped_column(db.String(80), unique=True)
    name: Mapped[str] = mapped_column(db.String(100))
    name_en: Mapped[str] = mapped_column(db.String(100))
    ocop_group: Mapped[str | None] = mapped_column(db.String(20))
    position: Mapped[int] = mapped_column(default=0)

    parent = relationship("Category", remote_side=[id], back_populates="children")
    children = relationship("Category", back_populates="parent", order_by="Category.position")

    @property
    def display_name(self) -> str:
        locale = get_locale()
        return self.name_en if locale is not None and locale.language == "en" else self.name


class Product(ShownInCatalogue, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(db.ForeignKey("shop.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(db.ForeignKey("category.id"), index=True)
    title: Mapped[str] = mapped_column(db.String(200))
    slug: Mapped[str] = mapped_column(db.String(100), unique=True)
    description: Mapped[str] = mapped_column(db.Text, default="")
    unit: Mapped[str] = mapped_column(db.String(20))
    status: Mapped[str] = mapped_column(db.String(10), default="active", index=True)
    # Kept in step with the variants by the catalogue services, for sorting and filtering.
    price_min_vnd: Mapped[int] = mapped_column(db.BigInteger, default=0, index=True)
    price_max_vnd: Mapped[int] = mapped_column(db.BigInteger, default=0)
    gtin: Mapped[str | None] = mapped_column(db.String(14), unique=True)  # GS1 GTIN padded to 14 digits
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # Hidden by an admin (moderation), kept apart from the seller's own `status` ('hidden' there is the
    # seller's choice, which they may undo): the seller cannot lift this, and sees the reason.
    hidden_by_admin_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    moderation_reason: Mapped[str | None] = mapped_column(db.Text)

    shop = relationship("Shop", back_populates="products")
    category = relationship("Category")
    variants = relationship("Variant", back_populates="product", cascade="all, delete-orphan",
                            order_by="Variant.position")
    photos = relationship("ProductPhoto", back_populates="product", cascade="all, delete-orphan",
                          order_by="ProductPhoto.position")

    __table_args__ = (db.CheckConstraint("status IN ('draft', 'active', 'hidden', 'deleted')", name="status"),)

    @property
    def cover(self):
        return self.photos[0].image if self.photos else None

    @property
    def in_stock(self) -> bool:
        return any(v.stock > 0 for v in self.variants)

    @property
    def total_stock(self) -> int:
        return sum(v.stock for v in self.variants)

    @hybrid_property
    def is_listed(self) -> bool:
        """On sale as far as the product itself goes (its shop must be public too)."""
        return self.status == "active" and self.hidden_by_admin_at is None

    @is_listed.inplace.expression
    @classmethod
    def _is_listed_expression(cls):
        return and_(cls.status == "active", cls.hidden_by_admin_at.is_(None))

    @property
    def is_public(self) -> bool:
        return self.is_listed and self.shop.is_public


class Variant(ShownInCatalogue, db.Model):
    """What a buyer actually picks: '500 g', '1 kg', with its own price and stock."""

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(db.ForeignKey("product.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(60))
    price_vnd: Mapped[int] = mapped_column(db.BigInteger)
    stock: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)

    product = relationship("Product", back_populates="variants")

    __table_args__ = (
        db.CheckConstraint("price_vnd > 0", name="price_positive"),
        db.CheckConstraint("stock >= 0", name="stock_not_negative"),
    )


class ProductPhoto(ShownInCatalogue, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(db.ForeignKey("product.id", ondelete="CASCADE"), index=True)
    image_id: Mapped[int] = mapped_column(db.ForeignKey("image.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    product = relationship("Product", back_populates="photos")
    image = relationship("Image", lazy="joined")

    __table_args__ = (db.UniqueConstraint("product_id", "image_id", name="uq_product_photo_product_image"),)
