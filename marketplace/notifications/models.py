from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..utils import utcnow


class Notification(db.Model):
    """An in-app message to a user (the seller's bell: "new order CQ-7K3F9A")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int | None] = mapped_column(db.ForeignKey("order.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(db.String(30))
    message: Mapped[str] = mapped_column(db.String(300))
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(db.DateTime(timezone=True))
