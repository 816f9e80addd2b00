"""Store an uploaded photo once, whatever the number of times it is uploaded."""

import hashlib

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from .models import Image
from .processing import ImageRejected, process_image
from .storage import get_storage

__all__ = ["ImageRejected", "save_image", "read_upload"]


def read_upload(stream, max_bytes: int) -> bytes:
    """Read at most one byte past the limit, so an oversized file is never fully in memory."""
    return stream.read(max_bytes + 1)


def save_image(data: bytes, uploaded_by=None) -> Image:
    config = current_app.config
    key = hashlib.sha256(data).hexdigest()[:40]
    existing = db.session.scalar(select(Image).where(Image.key == key))
    if existing is not None:
        return existing
    processed = process_image(
        data, sizes=tuple(config["IMAGE_SIZES"]), max_pixels=config["MAX_IMAGE_PIXELS"],
        max_bytes=config["MAX_IMAGE_BYTES"],
    )
    image = Image(key=key, width=processed.width, height=processed.height, sizes=sorted(processed.files),
                  uploaded_by_id=getattr(uploaded_by, "id", None))
    storage = get_storage()
    cleanups = db.session.info.setdefault("on_rollback", [])
    for size, content in processed.files.items():
        name = image.name(size)
        if storage.save(name, content):
            cleanups.append(lambda name=name: storage.delete(name))
    db.session.add(image)
    db.session.flush()
    return image
