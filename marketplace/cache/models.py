from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

CATALOGUE = "catalogue"


class CacheVersion(db.Model):
    """A counter that moves in the same transaction as any change a cached page or API answer could show.
    The page cache keys every entry by it, so a commit makes every older entry unreachable at once, on every
    web node: nothing is ever deleted from the cache, and nothing stale is ever served."""

    name: Mapped[str] = mapped_column(db.String(20), primary_key=True)
    value: Mapped[int] = mapped_column(db.BigInteger, default=0)


# The one row, however the table is made (the migration inserts it too): without it nothing could move.
event.listen(CacheVersion.__table__, "after_create",
             DDL("INSERT INTO cache_version (name, value) VALUES ('catalogue', 0)"))
