"""Photos as phones and attackers send them: every bad file is refused and leaves nothing behind."""

import io

import pytest
from PIL import Image

from marketplace.catalog.models import ProductPhoto
from marketplace.media.models import Image as ImageRow
from tests.conftest import jpeg_bytes, media_files, png_bytes, table_count, token_for


@pytest.fixture
def seller(factory, client):
    user = factory.user()
    shop = factory.shop(user)
    product = factory.product(user, shop)
    return user, shop, product, token_for(client, user)


def upload(client, headers, product_id, data: bytes, filename="photo.jpg"):
    return client.post(f"/api/v1/products/{product_id}/images", headers=headers,
                       data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def phone_photo_with_gps() -> bytes:
    """A 400x200 landscape sensor image that the phone says to rotate (orientation 6), with GPS."""
    image = Image.new("RGB", (400, 200), (20, 120, 200))
    image.paste((250, 250, 250), (0, 0, 100, 200))  # the left band becomes the top after rotation
    exif = Image.Exif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (8.0, 58.0, 30.0), 3: "E", 4: (105.0, 3.0, 10.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def test_phone_photo_is_turned_upright_and_loses_all_exif(app, client, seller):
    user, shop, product, headers = seller
    source = phone_photo_with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825), "fixture must carry GPS"

    response = upload(client, headers, product.id, source)

    assert response.status_code == 201, response.json
    # A 400 px photo is stored at 320 and at its own size (under "800"); nothing is blown up to 1600.
    assert set(response.json["urls"]) == {"320", "800"}
    for url in response.json["urls"].values():
        served = client.get(url)
        assert served.status_code == 200
        assert served.mimetype == "image/webp"
        assert "immutable" in served.headers["Cache-Control"]
        stored = Image.open(io.BytesIO(served.data))
        assert stored.height > stored.width, "orientation 6 must end upright (portrait)"
        assert not stored.getexif(), "no EXIF at all may survive (GPS position of the farm)"
        assert "exif" not in stored.info
        # The white band that was on the left of the sensor image is now at the top.
        top = stored.convert("RGB").getpixel((stored.width // 2, 2))
        assert min(top) > 200


def test_photo_appears_in_product_api_with_urls(app, client, seller):
    user, shop, product, headers = seller
    upload(client, headers, product.id, jpeg_bytes())
    body = client.get(f"/api/v1/products/{product.id}").json
    assert len(body["images"]) == 1
    assert body["images"][0]["position"] == 0


def _bomb_png(width: int, height: int) -> bytes:
    """A small file whose header claims a huge image."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg_bytes(size=(800, 600), color=(90, 140, 40))
    noisy = Image.effect_noise((800, 600), 60).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    return data[: int(len(data) * 0.7)]


BAD_FILES = {
    "text named .jpg": (b"this is not a photo, just text\n" * 20, "Không phải ảnh"),
    "svg named .jpg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "không phải ảnh"),
    "truncated jpeg": (None, "hỏng"),
    "bomb above error limit": (None, "quá lớn"),
    "bomb between warning and error": (None, "quá lớn"),
    "empty file": (b"", ""),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_and_nothing_is_stored(app, client, seller, case):
    user, shop, product, headers = seller
    data, words = BAD_FILES[case]
    if case == "truncated jpeg":
        data = truncated_jpeg()
    elif case == "bomb above error limit":
        data = _bomb_png(20_000, 20_000)  # 400 Mpx: Pillow raises
    elif case == "bomb between warning and error":
        data = _bomb_png(10_000, 10_000)  # 100 Mpx: Pillow only warns
    before = (table_count(app, ImageRow), table_count(app, ProductPhoto), media_files())

    response = upload(client, headers, product.id, data)

    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert "file" in response.json["errors"]
    assert words.lower() in response.json["detail"].lower()
    assert (table_count(app, ImageRow), table_count(app, ProductPhoto), media_files()) == before


def test_file_over_the_size_limit_is_refused(app, client, seller):
    user, shop, product, headers = seller
    limit = app.config["MAX_IMAGE_BYTES"]
    data = jpeg_bytes() + b"\0" * limit  # a valid JPEG start, padded past the limit
    response = upload(client, headers, product.id, data)
    assert response.status_code == 422
    assert "MB" in response.json["detail"]
    assert media_files() == []
    assert table_count(app, ImageRow) == 0


def test_request_over_the_body_limit_gets_413_problem(app, client, seller):
    user, shop, product, headers = seller
    data = b"\xff" * (app.config["MAX_CONTENT_LENGTH"] + 1024)
    response = upload(client, headers, product.id, data)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert table_count(app, ImageRow) == 0


def test_png_with_transparency_and_webp_are_accepted(app, client, seller):
    user, shop, product, headers = seller
    assert upload(client, headers, product.id, png_bytes(), "logo.png").status_code == 201
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (1, 2, 3)).save(buffer, "WEBP")
    assert upload(client, headers, product.id, buffer.getvalue(), "x.webp").status_code == 201


def test_ninth_photo_is_refused(app, client, seller):
    user, shop, product, headers = seller
    for i in range(8):
        assert upload(client, headers, product.id, jpeg_bytes(color=(i * 20, 10, 10))).status_code == 201
    response = upload(client, headers, product.id, jpeg_bytes(color=(250, 250, 250)))
    assert response.status_code == 422
    assert "8" in response.json["detail"]
    assert table_count(app, ProductPhoto) == 8


def test_a_large_photo_gets_every_size_with_the_longest_side_bounded(app, client, seller):
    user, shop, product, headers = seller
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), (200, 120, 40)).save(buffer, "JPEG")

    response = upload(client, headers, product.id, buffer.getvalue())

    assert response.status_code == 201, response.json
    widths = {size: Image.open(io.BytesIO(client.get(url).data)).size for size, url in response.json["urls"].items()}
    assert widths == {"320": (320, 160), "800": (800, 400), "1600": (1600, 800)}


def test_a_small_png_of_fifty_million_one_bit_pixels_is_refused_before_decoding(app, client, seller):
    """The probe's bomb: a few KB claiming 7071x7060 pixels (49.9 Mpx, under the old 50 Mpx limit), which
    cost a worker about 270 MB to decode and convert. No phone's default picture is that large."""
    user, shop, product, headers = seller
    data = _bomb_png(7071, 7060)
    assert len(data) < 10_000
    before = (table_count(app, ImageRow), table_count(app, ProductPhoto), media_files())

    response = upload(client, headers, product.id, data, "ca.png")

    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"]["file"]
    assert "quá lớn (tối đa 25 megapixel)" in response.json["detail"]
    assert "chế độ ảnh thường" in response.json["detail"], "the seller is told what to do"
    assert (table_count(app, ImageRow), table_count(app, ProductPhoto), media_files()) == before


def _grainy(size: tuple[int, int]) -> Image.Image:
    grain = Image.effect_noise(size, 30)
    return Image.merge("RGB", (grain, Image.linear_gradient("L").resize(size), grain.point(lambda v: 255 - v)))


def test_the_largest_photos_phones_take_by_default_are_accepted(app, client, seller):
    """A 12 Mpx JPEG (4000x3000) and a portrait HEIC as an iPhone 15 Pro takes it by default (24 Mpx,
    4284x5712): both stored, the longest side at 1600 px."""
    user, shop, product, headers = seller
    jpeg = io.BytesIO()
    _grainy((4000, 3000)).save(jpeg, "JPEG", quality=90)
    heic = io.BytesIO()
    Image.linear_gradient("L").resize((4284, 5712)).convert("RGB").save(
        heic, "HEIF", quality=50, enc_params={"preset": "ultrafast"})

    photos = ((jpeg.getvalue(), "ca.jpg", (1600, 1200)), (heic.getvalue(), "ca.heic", (1200, 1600)))
    for data, filename, stored in photos:
        response = upload(client, headers, product.id, data, filename)
        assert response.status_code == 201, response.json
        largest = Image.open(io.BytesIO(client.get(response.json["urls"]["1600"]).data))
        assert largest.size == stored
    assert table_count(app, ImageRow) == 2


def test_a_phone_s_full_resolution_jpeg_is_accepted_but_not_a_png_of_that_size(app, client, seller):
    """A 48 Mpx camera left in its full-resolution mode (8064x6048): as a JPEG, which decodes at a quarter
    of its scale, it is stored; the same pixels as a PNG, which decodes whole, are refused with the message."""
    user, shop, product, headers = seller
    picture = Image.linear_gradient("L").resize((8064, 6048)).convert("RGB")
    jpeg, png = io.BytesIO(), io.BytesIO()
    picture.save(jpeg, "JPEG", quality=80)
    picture.save(png, "PNG")

    stored = upload(client, headers, product.id, jpeg.getvalue(), "ca.jpg")
    assert stored.status_code == 201, stored.json
    assert Image.open(io.BytesIO(client.get(stored.json["urls"]["1600"]).data)).size == (1600, 1200)
    refused = upload(client, headers, product.id, png.getvalue(), "ca.png")
    assert refused.status_code == 422 and "megapixel" in refused.json["detail"]
    assert table_count(app, ImageRow) == 1


def test_a_large_palette_png_with_transparency_is_shrunk_band_by_band_without_losing_anything(app, client, seller):
    """3400x2600 in palette mode with a transparent colour: reduced by two, a band of rows at a time. The
    stripes must land where they were, through the band boundaries, and transparency must survive."""
    user, shop, product, headers = seller
    source = Image.new("RGB", (3400, 2600), (0, 0, 255))
    for index, top in enumerate(range(0, 2600, 200)):
        source.paste(((40, 160, 60), (230, 200, 40))[index % 2], (0, top, 3400, top + 100))
    palette = source.quantize(4)
    transparent = palette.getpixel((0, 150))  # the blue ground
    buffer = io.BytesIO()
    palette.save(buffer, "PNG", transparency=transparent)

    response = upload(client, headers, product.id, buffer.getvalue(), "nhan.png")

    assert response.status_code == 201, response.json
    stored = Image.open(io.BytesIO(client.get(response.json["urls"]["1600"]).data)).convert("RGBA")
    assert stored.size == (1600, 1224)
    scale = 1600 / 3400
    for index, top in enumerate(range(0, 2600, 200)):
        y = round((top + 50) * scale)  # the middle of a stripe
        red, green, blue, alpha = stored.getpixel((800, y))
        assert alpha == 255 and abs(red - (40, 230)[index % 2]) < 12 and abs(green - (160, 200)[index % 2]) < 12
        assert stored.getpixel((800, round((top + 150) * scale)))[3] == 0, "the ground stays transparent"


def test_a_webp_above_a_quarter_of_the_pixel_limit_is_refused(app, client, seller):
    """WebP decodes at about 16 bytes a pixel (four times PNG), so a 100 KB WebP of 25 Mpx would cost a
    worker 380 MB: a WebP may have a quarter of MAX_IMAGE_PIXELS, 6.25 Mpx by default."""
    user, shop, product, headers = seller
    buffer = io.BytesIO()
    Image.new("RGB", (2600, 2600), (120, 160, 60)).save(buffer, "WEBP")

    response = upload(client, headers, product.id, buffer.getvalue(), "ca.webp")

    assert response.status_code == 422, response.json
    assert "tối đa 6,2 megapixel" in response.json["detail"]
    assert media_files() == [] and table_count(app, ImageRow) == 0
