"""Turn an uploaded photo into safe, small WebP files.

Every check here answers a real attack or a real phone: a file that only claims to be
an image, a decompression bomb (Pillow only *warns* between its two limits), a file cut
short by a bad connection (verify() misses it, load() does not), a photo taken sideways
(EXIF orientation) and a photo that carries the farm's GPS position (we never write the
original EXIF back out).

Memory follows what we store, not what the file claims: JPEG decodes at a reduced scale (draft), and
every format is then box-averaged down to the largest stored size a band of rows at a time, so that no
second full-size copy is ever made (converting a 50 Mpx one-bit PNG to RGB costs 200 MB; a band, 7 MB).
PNG, WebP and HEIC can only be decoded whole, which is what MAX_IMAGE_PIXELS bounds (see WEBP_COST).
"""

import io
import math
import warnings
from dataclasses import dataclass

import pillow_heif
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from ..errors import DomainError

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
WEBP_QUALITY = 80
# libwebp's effort, 0 (fastest) to 6 (smallest): chosen by `make bench-images`, which measures each on a 12 Mpx
# phone photo. 2 costs about a third of 4's time for files a few per cent larger.
WEBP_METHOD = 2
BAND_ROWS = 256
# Pillow decodes WebP through libwebp's animation decoder: two RGBA canvases, a copy of the frame and the
# image, about 16 bytes a pixel against 4 for PNG. A WebP gets a quarter of MAX_IMAGE_PIXELS, so that it
# costs no more memory than the largest PNG; phones do not save their photos as WebP, the web does, smaller.
WEBP_COST = 4
# A JPEG decodes at 1/2, 1/4 or 1/8 scale (draft), so the full-resolution modes of 48 and 50 Mpx phone cameras
# can come in: measured, a 48 Mpx baseline JPEG costs about 40 MB and a progressive one (libjpeg keeps its
# coefficients whole) about 150 MB, no more than a 24 Mpx HEIC. A farmer who left the camera in that mode is
# not turned away.
JPEG_ALLOWANCE = 2


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
    longest = max(sizes)
    source = _decode(data, max_pixels, longest)
    orientation = Image.Exif()  # only the orientation travels to the small copy, for exif_transpose
    orientation[ExifTags.Base.Orientation] = source.getexif().get(ExifTags.Base.Orientation, 1)
    image = _shrink(source, longest)
    del source  # the full-size decoded picture is freed here, before any size is made
    image.info["exif"] = orientation.tobytes()
    image = ImageOps.exif_transpose(image)
    files: dict[int, bytes] = {}
    # No size above the first that already holds the whole photo: it would be the same picture again.
    longest = max(image.size)
    wanted = [size for size in sorted(sizes) if size < longest]
    wanted += [size for size in sorted(sizes) if size >= longest][:1]
    for size in sorted(wanted, reverse=True):
        # Each smaller size is made from the previous one: cheaper, same quality.
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
        files[size] = buffer.getvalue()
    largest = Image.open(io.BytesIO(files[max(wanted)]))
    return ProcessedImage(width=largest.width, height=largest.height, files=files)


def _decode(data: bytes, max_pixels: int, longest: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data, max_pixels)
        _shrink_while_decoding(image, longest)
        try:
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels(max_pixels) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise ImageRejected(_("Ảnh bị hỏng hoặc chưa tải lên hết. Vui lòng chọn lại ảnh."), "file") from None
    return image


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected(_("Tệp này không phải ảnh JPEG, PNG, WebP hoặc HEIC."), "file") from None
    limit = {"WEBP": max_pixels // WEBP_COST, "JPEG": max_pixels * JPEG_ALLOWANCE}.get(image.format, max_pixels)
    width, height = image.size
    if width < 1 or height < 1 or width * height > limit:
        raise _too_many_pixels(limit)
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


def _too_many_pixels(max_pixels: int) -> ImageRejected:
    return ImageRejected(_("Ảnh có số điểm ảnh quá lớn (tối đa %(mp)s megapixel). Hãy chụp ở chế độ ảnh thường "
                           "của điện thoại, hoặc thu nhỏ ảnh rồi gửi lại.",
                           mp=format_decimal(round(max_pixels / 1_000_000, 1))), "file")


def _shrink(image: Image.Image, longest: int) -> Image.Image:
    """An RGB (or RGBA) copy, box-averaged by the whole factor that keeps its longest side at least
    `longest`, made BAND_ROWS rows at a time. Converting or reducing the whole picture would hold a
    second full-size copy (RGBA's reduce() premultiplies a copy first); a band is a few MB."""
    mode = "RGBA" if _has_alpha(image) else "RGB"
    width, height = image.size
    factor = max(1, max(width, height) // longest)
    small = Image.new(mode, (math.ceil(width / factor), math.ceil(height / factor)))
    band = factor * max(1, BAND_ROWS // factor)  # whole boxes per band: the same result as in one go
    for top in range(0, height, band):
        rows = image.crop((0, top, width, min(top + band, height))).convert(mode)
        small.paste(rows.reduce(factor), (0, top // factor))
    return small


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
