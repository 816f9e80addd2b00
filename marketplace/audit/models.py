from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..utils import utcnow


class AuditEntry(db.Model):
    """One admin decision: who, when, what (action on a subject), why. Written in the same
    transaction as the decision itself, and never edited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(db.String(40), index=True)  # "ocop.approve", "shop.hide", ...
    subject_type: Mapped[str] = mapped_column(db.String(30))  # "ocop_claim", "shop", "product", "user", ...
    subject_id: Mapped[int]
    reason: Mapped[str | None] = mapped_column(db.Text)
    details: Mapped[dict] = mapped_column(db.JSON, default=dict)  # what changed, e.g. {"stars": 4}
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)

    actor = relationship("User")

    __table_args__ = (db.Index("ix_audit_entry_subject", "subject_type", "subject_id"),)
