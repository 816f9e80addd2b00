from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..utils import utcnow


class SearchOutbox(db.Model):
    """A product whose document must be written to (or removed from) the index.

    Rows are written in the same transaction as the change, so a rolled-back change never
    reaches the index and a committed one is never lost; one process at a time drains them.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the row must outlive a product that is removed for good.
    product_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
