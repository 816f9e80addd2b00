"""Reading an uploaded file, for the pages and the API alike.

At most one byte past the limit is read, so an oversized file is never wholly in memory, and the service
that checks the bytes (`media.processing` for photos, `ocop.certificates` for scans) refuses it with its
own message. The limit is named by its setting: MAX_IMAGE_BYTES for photos, MAX_CERTIFICATE_BYTES for scans.
"""

from flask import current_app
from flask_babel import gettext as _

from ..errors import DomainError

PHOTO_LIMIT = "MAX_IMAGE_BYTES"


def read_upload(upload, limit: str = PHOTO_LIMIT) -> bytes | None:
    """The file's bytes, or None when none was chosen (a browser sends an empty part without a file name)."""
    if not upload or not getattr(upload, "filename", None):
        return None
    return upload.stream.read(current_app.config[limit] + 1)


def read_uploads(uploads, limit: str = PHOTO_LIMIT) -> list[bytes]:
    """The chosen files of a file input, one or several (a form field's `data`)."""
    files = uploads if isinstance(uploads, list) else [uploads]
    return [data for data in (read_upload(upload, limit) for upload in files) if data is not None]


def required_photo(upload) -> bytes:
    """The API's photo uploads: the multipart field `file` must hold one."""
    data = read_upload(upload)
    if data is None:
        raise DomainError(_("Hãy chọn một ảnh."), "file")
    return data
