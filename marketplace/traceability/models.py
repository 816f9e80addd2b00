from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..cache.versions import ShownInCatalogue
from ..extensions import db
from ..shops.locations import province_by_code, short_name, ward_by_code
from ..utils import utcnow, vietnam_today

CERTIFICATION_KINDS = ("vietgap", "globalgap", "organic", "other")


class Batch(ShownInCatalogue, db.Model):
    """A lot of a product: what one traceability label on a package stands for.

    `code` is the seller's lot number, printed on the label and used in the GS1 Digital Link
    path; `public_code` is the short random part of the /t/ URL, drawn once and never changed,
    so a printed QR code keeps working whatever the seller edits later.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(db.ForeignKey("product.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(db.String(20))
    public_code: Mapped[str] = mapped_column(db.String(16), unique=True)
    production_date: Mapped[date]  # harvest or production date
    expiry_date: Mapped[date | None]
    area_name: Mapped[str] = mapped_column(db.String(120), default="")  # farm, pond or garden
    growing_area_code: Mapped[str] = mapped_column(db.String(40), default="")  # mã số vùng trồng / nuôi
    packing_house_code: Mapped[str] = mapped_column(db.String(40), default="")  # mã số cơ sở đóng gói
    province_code: Mapped[int | None]
    ward_code: Mapped[int | None]
    scan_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    product = relationship("Product", backref=db.backref("batches", lazy="dynamic", passive_deletes=True))
    certifications = relationship("Certification", back_populates="batch", cascade="all, delete-orphan",
                                  order_by="Certification.position")
    steps = relationship("BatchStep", back_populates="batch", cascade="all, delete-orphan",
                         order_by="BatchStep.position")

    __table_args__ = (
        db.UniqueConstraint("product_id", "code", name="uq_batch_product_code"),
        db.CheckConstraint("expiry_date IS NULL OR expiry_date >= production_date", name="expiry_after_production"),
        db.CheckConstraint("scan_count >= 0", name="scan_count_not_negative"),
    )

    @property
    def province_name(self) -> str:
        province = province_by_code(self.province_code)
        return short_name(province.name) if province else ""

    @property
    def ward_name(self) -> str:
        ward = ward_by_code(self.ward_code)
        return ward.name if ward else ""

    def is_expired(self, today: date | None = None) -> bool:
        return self.expiry_date is not None and self.expiry_date < (today or vietnam_today())


class Certification(ShownInCatalogue, db.Model):
    """A certificate the lot was produced under (VietGAP, GlobalGAP, organic, or another named one)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(db.ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(db.String(10))
    name: Mapped[str] = mapped_column(db.String(80), default="")  # what "other" is
    number: Mapped[str] = mapped_column(db.String(60), default="")
    issuer: Mapped[str] = mapped_column(db.String(120), default="")
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]

    batch = relationship("Batch", back_populates="certifications")

    __table_args__ = (
        db.CheckConstraint("kind IN ('vietgap', 'globalgap', 'organic', 'other')", name="kind"),
        db.CheckConstraint("valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from",
                           name="valid_until_after_from"),
    )

    def is_expired(self, today: date | None = None) -> bool:
        return self.valid_until is not None and self.valid_until < (today or vietnam_today())


class BatchStep(ShownInCatalogue, db.Model):
    """One step of the lot's story ("Phơi khô 13-15/10"): dates when known, else the seller's words."""

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(db.ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(db.String(120))
    date_from: Mapped[date | None]
    date_to: Mapped[date | None]
    when_text: Mapped[str] = mapped_column(db.String(60), default="")  # "đầu tháng 10", when no date fits
    note: Mapped[str] = mapped_column(db.Text, default="")
    image_id: Mapped[int | None] = mapped_column(db.ForeignKey("image.id", ondelete="SET NULL"), index=True)

    batch = relationship("Batch", back_populates="steps")
    image = relationship("Image")

    __table_args__ = (
        db.CheckConstraint("date_to IS NULL OR (date_from IS NOT NULL AND date_to >= date_from)",
                           name="date_to_after_from"),
    )
