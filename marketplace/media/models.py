from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from ..cache.versions import ShownInCatalogue
from ..extensions import db
from ..utils import utcnow


class Image(ShownInCatalogue, db.Model):
    """One uploaded photo, stored as re-encoded WebP sizes under a content-hashed key."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(db.String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    sizes: Mapped[list] = mapped_column(db.JSON)
    uploaded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)

    def name(self, size: int) -> str:
        return f"{self.key[:2]}/{self.key}-{size}.webp"

    def urls(self) -> dict[str, str]:
        from .storage import get_storage

        storage = get_storage()
        return {str(size): storage.url(self.name(size)) for size in self.sizes}

    def url(self, size: int = 800) -> str:
        from .storage import get_storage

        fitting = min((s for s in self.sizes if s >= size), default=max(self.sizes))
        return get_storage().url(self.name(fitting))
