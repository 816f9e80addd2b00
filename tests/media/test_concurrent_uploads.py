"""The same photo sent by several requests at the same moment (a double tap, a phone resending on a bad
connection, one photo for several listings): every request succeeds, the photo is stored once, and its
files stay, whichever request wins and whichever rolls back afterwards.

The racers are a crowd (tests/crowd.py). On PostgreSQL they overlap in the database, and a racer's INSERT
waits on the winner's uncommitted row; on SQLite the database lock queues them, but each still reads
"not stored yet" before the winner commits.
"""

import io
import threading

import pytest
from flask_sqlalchemy.session import Session
from sqlalchemy import event, select

from marketplace.catalog.models import ProductPhoto
from marketplace.extensions import db
from marketplace.media.models import Image as ImageRow
from marketplace.media.services import save_image
from tests.conftest import DATA_DIR, jpeg_bytes, login, media_files, table_count, token_for
from tests.crowd import at_once, crowd_app
from tests.shopping import count

RACERS, ROUNDS = 8, 3


@pytest.fixture
def crowd(app):
    with crowd_app(RACERS) as crowd:
        yield crowd


@pytest.fixture
def listings(factory):
    """One seller who lists the same dried fish in several products."""
    seller = factory.user(name="Chủ vựa khô")
    shop = factory.shop(seller, name="Khô cá lóc Bạc Liêu")
    return seller, [factory.product(seller, shop, title=f"Khô cá lóc đồng loại {n}").id for n in range(RACERS)]


def grainy_photo(seed: int) -> bytes:
    """A 2000x1500 photo with grain, so that decoding it takes long enough for the racers to overlap."""
    from PIL import Image

    grain = Image.effect_noise((2000, 1500), 30 + seed)
    image = Image.merge("RGB", (grain, grain.point(lambda v: v // 2 + 60), grain.point(lambda v: 255 - v)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _stored_files(image: ImageRow) -> list[bool]:
    return [(DATA_DIR / "media" / image.name(size)).is_file() for size in image.sizes]


def _send_by_api(crowd, headers, product_id, photo):
    def send():
        response = crowd.test_client().post(f"/api/v1/products/{product_id}/images", headers=headers,
                                            data={"file": (io.BytesIO(photo), "kho-ca.jpg")})
        return response.status_code, (response.json or {}).get("detail")
    return send


def _send_by_page(crowd, cookie, product_id, photo):
    def send():
        client = crowd.test_client()
        client.set_cookie("session", cookie)
        response = client.post(f"/seller/products/{product_id}/photos",
                               data={"photos": (io.BytesIO(photo), "kho-ca.jpg")})
        flashed = client.get(response.headers.get("Location", "/")).get_data(as_text=True)
        return response.status_code, "Đã thêm ảnh." in flashed
    return send


@pytest.mark.parametrize("channel", ["api", "page"])
def test_the_same_photo_sent_by_many_requests_at_once_is_stored_once(app, client, crowd, listings, channel):
    seller, product_ids = listings
    if channel == "api":
        headers = token_for(client, seller)
        racer, succeeded = (lambda pid, photo: _send_by_api(crowd, headers, pid, photo)), ("ok", (201, None))
    else:
        login(client, seller)
        cookie = client.get_cookie("session").value
        racer, succeeded = (lambda pid, photo: _send_by_page(crowd, cookie, pid, photo)), ("ok", (302, True))

    for round_number in range(ROUNDS):
        photo = grainy_photo(round_number)
        outcomes = at_once(crowd, [racer(product_id, photo) for product_id in product_ids])

        assert outcomes == [succeeded] * RACERS, (round_number, outcomes)
        assert table_count(app, ImageRow) == round_number + 1, "one row for one photo"
        with app.app_context():
            image = db.session.scalars(select(ImageRow).order_by(ImageRow.id.desc())).first()
            assert count(app, ProductPhoto, ProductPhoto.image_id == image.id) == RACERS
            assert all(_stored_files(image)), "every product shows the photo: its files are all there"
            assert len(media_files()) == len(image.sizes) * (round_number + 1), "no file for a lost race"


def test_a_request_that_fails_after_reusing_a_stored_photo_leaves_its_files(app, client, listings):
    """A batch of photos on the seller page is all or nothing: here it reuses a photo that another
    product already shows, adds a new one, then meets a file that is not a photo and rolls back. The new
    photo's files go with it; the stored photo's files stay, as the other product still shows them."""
    seller, (first, second, *_) = listings
    login(client, seller)
    shown, new = jpeg_bytes(color=(180, 90, 30)), jpeg_bytes(color=(30, 90, 180))
    client.post(f"/seller/products/{first}/photos", data={"photos": (io.BytesIO(shown), "ca.jpg")})
    kept = media_files()
    assert kept and table_count(app, ImageRow) == 1

    client.post(f"/seller/products/{second}/photos", data={"photos": [
        (io.BytesIO(shown), "ca.jpg"), (io.BytesIO(new), "ca-moi.jpg"), (io.BytesIO(b"not a photo"), "x.jpg")]})

    assert table_count(app, ImageRow) == 1
    assert count(app, ProductPhoto, ProductPhoto.product_id == second) == 0
    assert media_files() == kept


def test_files_stay_when_the_photo_is_stored_again_between_a_rollback_and_its_cleanup(app):
    """The writer of a new photo rolls back; before its cleanup runs, another request stores the same
    photo and finds the files still in place. The cleanup must see that request's row and leave the
    files alone (had the row not been committed yet, the cleanup's claim on the key would wait for it)."""
    photo = grainy_photo(7)
    rival_done, rival_outcome = threading.Event(), []

    def rival() -> None:
        with app.app_context():
            try:
                rival_outcome.append(save_image(photo).key)
                db.session.commit()
            finally:
                db.session.remove()
                rival_done.set()

    def store_again_before_cleanup(session) -> None:  # runs first, right after the database rolled back
        if session is writer and not session.in_nested_transaction() and not rival_done.is_set():
            threading.Thread(target=rival).start()
            rival_done.wait(timeout=60)

    with app.app_context():
        writer = db.session()
        save_image(photo)
        written = media_files()
        assert written
        event.listen(Session, "after_rollback", store_again_before_cleanup, insert=True)
        try:
            db.session.rollback()
        finally:
            event.remove(Session, "after_rollback", store_again_before_cleanup)
    assert rival_done.wait(timeout=60) and rival_outcome, "the rival stored the photo"
    with app.app_context():
        image = db.session.scalar(select(ImageRow))
        assert image is not None and all(_stored_files(image))
    assert media_files() == written
