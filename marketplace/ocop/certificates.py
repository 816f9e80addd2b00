"""The certificate scan behind an OCOP claim: checked, cleaned and kept private.

A certificate is evidence for the admins, not a picture for buyers, so it never goes to public
media: files live under DATA_DIR/private/ocop and are served only by an authenticated route to
the shop's members and the admins. An image is decoded and re-encoded by Pillow (what is stored
is pixels we wrote, without the phone's EXIF and GPS); a PDF cannot be re-encoded here, so it is
accepted only when it starts with the `%PDF-` magic and ends with `%%EOF` (a complete file), and
it is always served as an attachment so that a browser never renders it inside our origin.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DomainError
from ..transaction import on_rollback

PDF = "application/pdf"
IMAGE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
EXTENSIONS = {PDF: "pdf", **{mime: ext for mime, ext in IMAGE_TYPES.values()}}
MAX_SIDE = 3000  # a scanned A4 page stays readable; larger scans are shrunk
FIELD = "certificate"


@dataclass(frozen=True)
class Certificate:
    data: bytes
    content_type: str

    @property
    def key(self) -> str:
        """Named by content: the same scan sent twice is stored once."""
        digest = hashlib.sha256(self.data).hexdigest()[:40]
        return f"{digest[:2]}/{digest}.{EXTENSIONS[self.content_type]}"


def _refused() -> DomainError:
    return DomainError(_("Giấy chứng nhận phải là ảnh (JPEG, PNG, WebP) hoặc tệp PDF."), FIELD)


def check_certificate(data: bytes) -> Certificate:
    """The file as it will be stored, or a clear error; nothing is written here."""
    limit = current_app.config["MAX_CERTIFICATE_BYTES"]
    if not data:
        raise DomainError(_("Hãy chọn ảnh chụp hoặc tệp PDF của giấy chứng nhận OCOP."), FIELD)
    if len(data) > limit:
        raise DomainError(_("Tệp giấy chứng nhận quá lớn (tối đa %(mb)d MB).", mb=limit // (1024 * 1024)), FIELD)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise DomainError(_("Tệp PDF bị hỏng hoặc chưa tải lên hết. Vui lòng chọn lại tệp."), FIELD)
        return Certificate(data, PDF)
    return _reencode_image(data)


def _reencode_image(data: bytes) -> Certificate:
    max_pixels = current_app.config["MAX_IMAGE_PIXELS"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=tuple(IMAGE_TYPES))
            if image.width * image.height > max_pixels or getattr(image, "n_frames", 1) > 1:
                raise _refused()
            image.load()
        except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _refused() from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise DomainError(_("Ảnh bị hỏng hoặc chưa tải lên hết. Vui lòng chọn lại ảnh."), FIELD) from None
    mime, _ext = IMAGE_TYPES[image.format]
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if mime == "image/jpeg":
        image = image.convert("RGB")
    else:
        image = image.convert("RGBA" if alpha else "RGB")
    buffer = io.BytesIO()
    save = {"image/jpeg": ("JPEG", {"quality": 88}), "image/png": ("PNG", {"optimize": True}),
            "image/webp": ("WEBP", {"quality": 85})}[mime]
    image.save(buffer, save[0], **save[1])
    return Certificate(buffer.getvalue(), mime)


def _root() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "private" / "ocop"


def path_of(key: str) -> Path:
    root = _root().resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError("certificate key escapes the private folder")
    return path


def store(certificate: Certificate) -> str:
    """Write the file now and remove it again if the transaction rolls back (no orphan file)."""
    key = certificate.key
    path = path_of(key)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(certificate.data)
        tmp.replace(path)
        on_rollback(partial(path.unlink, missing_ok=True))
    return key


def remove(key: str) -> None:
    """Run after the commit that replaced the scan, once the service has seen no other claim uses it."""
    path_of(key).unlink(missing_ok=True)
