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
