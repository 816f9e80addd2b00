"""Turn an uploaded photo into safe, small WebP files.

Every check here answers a real attack or a real phone: a file that only claims to be
an image, a decompression bomb (Pillow only *warns* between its two limits), a file cut
short by a bad connection (verify() misses it, load() does not), a photo taken sideways
(EXIF orientation) and a photo that carries the farm's GPS position (we never write the
original EXIF back out).
"""

import io
import math
import warnings
from dataclasses import dataclass

import pillow_heif
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DomainError

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
WEBP_QUALITY = 80


class ImageRejected(DomainError):
    pass


@dataclass(frozen=True)
class ProcessedImage:
    width: int
    height: int
    files: dict[int, bytes]  # longest side in px -> WebP bytes


def process_image(data: bytes, *, sizes: tuple[int, ...], max_pixels: int, max_bytes: int) -> ProcessedImage:
    if len(data) > max_bytes:
        raise ImageRejected(_("Ảnh quá lớn (tối đa %(mb)d MB).", mb=max_bytes // (1024 * 1024)), "file")
    if not data:
        raise ImageRejected(_("Tệp ảnh trống."), "file")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data, max_pixels)
        _shrink_while_decoding(image, max(sizes))
        try:
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageRejected(_("Ảnh có số điểm ảnh quá lớn."), "file") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ImageRejected(_("Ảnh bị hỏng hoặc chưa tải lên hết. Vui lòng chọn lại ảnh."), "file") from None
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    files: dict[int, bytes] = {}
    # No size above the first that already holds the whole photo: it would be the same picture again.
    longest = max(image.size)
    wanted = [size for size in sorted(sizes) if size < longest]
    wanted += [size for size in sorted(sizes) if size >= longest][:1]
    for size in sorted(wanted, reverse=True):
        # Each smaller size is made from the previous one: cheaper, same quality.
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
        files[size] = buffer.getvalue()
    largest = Image.open(io.BytesIO(files[max(wanted)]))
    return ProcessedImage(width=largest.width, height=largest.height, files=files)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRejected(_("Ảnh có số điểm ảnh quá lớn."), "file") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected(_("Tệp này không phải ảnh JPEG, PNG, WebP hoặc HEIC."), "file") from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise ImageRejected(_("Ảnh có số điểm ảnh quá lớn."), "file")
    if getattr(image, "n_frames", 1) > 1 and image.format != "HEIF":
        raise ImageRejected(_("Ảnh động không được hỗ trợ. Vui lòng chọn ảnh chụp thường."), "file")
    return image


def _shrink_while_decoding(image: Image.Image, longest: int) -> None:
    """JPEG can decode at 1/2, 1/4 or 1/8 scale: far faster and lighter for a 12 Mpx photo."""
    if image.format != "JPEG":
        return
    scale = longest / max(image.size)
    if scale < 1:
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
