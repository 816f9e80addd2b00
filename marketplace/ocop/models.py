from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..cache.versions import ShownInCatalogue
from ..extensions import db
from ..utils import utcnow, vietnam_today

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATUSES = (PENDING, APPROVED, REJECTED)
STARS = (3, 4, 5)
LEVELS = ("province", "national")  # 3 and 4 stars are recognised by the province, 5 nationally
GROUPS = ("food", "beverages", "herbal", "handicrafts", "ornamental", "tourism")
RATING_MONTHS = 36  # a rating lasts 36 months from the recognition decision


class OcopClaim(ShownInCatalogue, db.Model):
    """A shop's claim that a product holds an OCOP rating, with the certificate to prove it.

    One claim per product: a rejected claim is corrected and sent again, and changing an
    approved claim's stars or certificate sends it back to the queue; the audit log keeps the
    history. The badge is public only while the claim is approved and not expired, and expiry is
    judged when read (`is_current`), so no scheduled job is needed for it to be right.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(db.ForeignKey("product.id", ondelete="CASCADE"), unique=True)
    stars: Mapped[int]
    decision_number: Mapped[str] = mapped_column(db.String(60))  # số quyết định công nhận
    decided_on: Mapped[date]  # the recognition decision's date
    issuing_level: Mapped[str] = mapped_column(db.String(10))
    product_group: Mapped[str] = mapped_column(db.String(15))
    expires_on: Mapped[date] = mapped_column(index=True)
    # The certificate scan, kept out of public media: shown only to the shop and the admins.
    certificate_key: Mapped[str] = mapped_column(db.String(120))
    certificate_type: Mapped[str] = mapped_column(db.String(40))  # image/jpeg, image/png, image/webp, application/pdf
    status: Mapped[str] = mapped_column(db.String(10), default=PENDING, index=True)
    submitted_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    rejection_reason: Mapped[str | None] = mapped_column(db.Text)
    reminded_for: Mapped[date | None]  # the expiry date sellers were last reminded of (`ocop remind`)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    product = relationship("Product", backref=db.backref("ocop_claim", uselist=False, passive_deletes=True))
    decided_by = relationship("User")

    __table_args__ = (
        db.CheckConstraint("stars IN (3, 4, 5)", name="stars"),
        db.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        db.CheckConstraint("issuing_level IN ('province', 'national')", name="issuing_level"),
        db.CheckConstraint("product_group IN ('food', 'beverages', 'herbal', 'handicrafts', 'ornamental', 'tourism')",
                           name="product_group"),
        db.CheckConstraint("expires_on > decided_on", name="expires_after_decision"),
    )

    def is_current(self, today: date | None = None) -> bool:
        """Approved by an admin and not past its expiry: the only state that shows a badge."""
        return self.status == APPROVED and self.expires_on >= (today or vietnam_today())
