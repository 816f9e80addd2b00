"""Store an uploaded photo once, whatever the number of times (or of requests at once) it is uploaded.

A photo's row is keyed by a hash of its bytes, and its files are named after that key, so every request
that sends the same photo shares one row and one set of files. The rule that keeps them together: a
committed Image row's files exist. Hence:

- Only the request whose INSERT made the row writes the files, and only after that INSERT. A rival's
  INSERT ... ON CONFLICT DO NOTHING for the same key waits on the unique index (PostgreSQL) or the
  database lock (SQLite) until that request ends: if it committed, the rival inserts nothing and takes
  the committed row, writing and deleting nothing; if it rolled back, the rival's row is the new one and
  the rival writes the files. So no request ever hands out a row that may still roll back.
- The request that made the row deletes the files if the row is rolled back (with the request or with a
  savepoint), once its transaction has ended (transaction.on_rollback), and only once it has claimed the key
  itself (_remove_unless_stored): between its rollback and its cleanup a rival may have made the row again.
"""

import hashlib

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..transaction import on_rollback
from .models import Image
from .processing import ImageRejected, process_image
from .storage import get_storage

__all__ = ["ImageRejected", "save_image"]

# INSERT ... ON CONFLICT DO NOTHING, as each supported database spells it.
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def save_image(data: bytes, uploaded_by=None) -> Image:
    config = current_app.config
    key = hashlib.sha256(data).hexdigest()[:40]
    existing = _find(key)
    if existing is not None:
        return existing
    processed = process_image(
        data, sizes=tuple(config["IMAGE_SIZES"]), max_pixels=config["MAX_IMAGE_PIXELS"],
        max_bytes=config["MAX_IMAGE_BYTES"],
    )
    row = {"key": key, "width": processed.width, "height": processed.height, "sizes": sorted(processed.files)}
    image = db.session.scalar(
        _insert_new(row | {"uploaded_by_id": getattr(uploaded_by, "id", None)}).returning(Image))
    if image is None:  # another request stored the same photo meanwhile, and has committed
        return _find(key)
    storage = get_storage()
    for size, content in processed.files.items():
        storage.save(image.name(size), content)
    names = [image.name(size) for size in processed.files]
    on_rollback(_remove_unless_stored, row, names)
    return image


def _find(key: str) -> Image | None:
    return db.session.scalar(select(Image).where(Image.key == key))


def _insert_new(values: dict):
    return _INSERTS[db.engine.dialect.name](Image).values(**values).on_conflict_do_nothing(
        index_elements=[Image.key])


def _remove_unless_stored(row: dict, names: list[str]) -> None:
    """After the rollback of the request that made the row: delete its files unless a committed row uses them.

    Looking for a committed row is not enough: a rival may have inserted one that is not committed yet, and
    have found the files in place. So the key is claimed with the same INSERT, in a transaction of its own
    that is always rolled back: it waits for any rival's row to commit or roll back, and succeeds only if
    no row uses the key. A rival that inserts after the claim is undone writes the files again.
    """
    storage = get_storage()
    with db.engine.connect() as connection:
        if connection.execute(_insert_new(row).returning(Image.id)).first() is not None:
            for name in names:
                storage.delete(name)
        connection.rollback()
