"""The page cache is never wrong: a change shows at the very next anonymous view of every page and API answer
showing it, and nothing of a signed-in visitor's is ever served to anyone else."""

import json
import re

import pytest

from tests.conftest import PASSWORD, jpeg_bytes, login, make_test_app, queries_for
from tests.ocop.helpers import Seller
from tests.shopping import ADDRESS

NAME = "Mật ong U Minh nguyên chất"


@pytest.fixture
def seller(app, client, factory):
    return Seller(app, client, factory, title=NAME)


def _pages(seller) -> dict[str, str]:
    """Every page and public API read that shows the seller's product."""
    product = seller.product
    return {"home": "/", "product": f"/products/{product.slug}", "category": "/products",
            "storefront": f"/shops/{seller.shop.slug}", "search": "/search?q=mat+ong",
            "api list": "/api/v1/products", "api product": f"/api/v1/products/{product.id}",
            "api search": "/api/v1/search?q=mat+ong"}


def _warm(app, pages: dict[str, str]) -> None:
    """Each page seen twice by nobody in particular; the second time it costs at most the version's query."""
    for path in pages.values():
        assert app.test_client().get(path).status_code == 200
        assert queries_for(app.test_client(), path) <= 1, path


def _variant(seller, **changes) -> dict:
    variant = seller.product_api()["variants"][0]
    return {"id": variant["id"], "name": variant["name"], "price_vnd": variant["price_vnd"],
            "stock": variant["stock"], **changes}


def _patch(seller, **body):
    response = seller.client.patch(f"/api/v1/products/{seller.product.id}", json=body, headers=seller.headers)
    assert response.status_code == 200, response.json


def _guest_buys(app, variant_id: int, quantity: int) -> None:
    guest = app.test_client()
    token = guest.post("/api/v1/cart", json={}).json["token"]
    headers = {"X-Cart-Token": token}
    assert guest.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": quantity},
                      headers=headers).status_code == 201
    placed = guest.post("/api/v1/checkout", json={"address": ADDRESS, "payment_method": "cod"}, headers=headers)
    assert placed.status_code == 201, placed.json


def change_price(app, seller):
    _patch(seller, variants=[_variant(seller, price_vnd=123_000)])
    return {"page": "123.000", "api": '"price_vnd":123000'}


def change_stock_by_the_seller(app, seller):
    _patch(seller, variants=[_variant(seller, stock=4)])
    return {"product": "còn 4", "api": '"stock":4'}


def change_stock_by_an_order(app, seller):
    _guest_buys(app, seller.product.variant_ids[0], 3)  # a statement, not a flush: 10 left 7
    return {"product": "còn 7", "api": '"stock":7'}


def change_title(app, seller):
    _patch(seller, title="Mật ong U Minh hảo hạng")
    return {"page": "hảo hạng", "api": "Mật ong U Minh hảo hạng"}  # search marks the words it matched


def add_photo(app, seller):
    response = seller.client.post(f"/api/v1/products/{seller.product.id}/images", headers=seller.headers,
                                  data={"file": (__import__("io").BytesIO(jpeg_bytes()), "anh.jpg")},
                                  content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    url = response.json["urls"]["320"]
    return {"home": url, "category": url, "storefront": url, "search": url, "api": url}


def approve_ocop(app, seller):
    seller.approved_claim(stars="4")
    return {"page": "OCOP ★★★★", "api": '"stars":4', "api search": '"ocop_stars":4'}


CHANGES = [change_price, change_stock_by_the_seller, change_stock_by_an_order, change_title, add_photo,
           approve_ocop]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_a_change_shows_at_the_next_anonymous_view_of_every_page(app, seller, change):
    pages = _pages(seller)
    _warm(app, pages)
    expected = change(app, seller)
    for name, path in pages.items():
        kind = "api" if name.startswith("api") else "page"
        wanted = expected.get(name) or expected.get(kind)
        if wanted is None or (name == "api search" and kind == "api" and "stock" in wanted):
            continue  # this page does not show what changed
        response = app.test_client().get(path)
        body = (json.dumps(response.json, ensure_ascii=False, separators=(",", ":")) if response.is_json
                else response.get_data(as_text=True)).replace(" ", "")
        assert wanted.replace(" ", "") in body, (name, wanted)


def test_hiding_a_product_takes_it_off_every_page_at_once(app, seller):
    pages = _pages(seller)
    _warm(app, pages)
    hidden = seller.client.post(f"/api/v1/admin/products/{seller.product.id}/hide", headers=seller.admin_headers,
                                json={"reason": "Ảnh không đúng sản phẩm"})
    assert hidden.status_code == 200, hidden.json
    anonymous = app.test_client()
    assert anonymous.get(pages["product"]).status_code == 404
    assert anonymous.get(pages["api product"]).status_code == 404
    for name in ("home", "category", "storefront", "search", "api list", "api search"):
        assert NAME not in anonymous.get(pages[name]).get_data(as_text=True), name


def test_a_signed_in_page_is_never_served_to_anyone_else(app, seller, factory):
    path = f"/products/{seller.product.slug}"
    hoa, lan = factory.user(name="Phạm Thị Hoa"), factory.user(name="Võ Thị Lan")
    as_hoa, as_lan, anonymous, as_owner = (app.test_client() for _ in range(4))
    login(as_hoa, hoa)
    login(as_lan, lan)
    login(as_owner, seller.owner)
    for _ in range(2):  # the first fills the cache, the second is served from it
        page = as_hoa.get(path).get_data(as_text=True)
        assert "Phạm Thị Hoa" in page and "Đăng xuất" in page
        page = anonymous.get(path).get_data(as_text=True)
        assert "Phạm Thị Hoa" not in page and "Đăng xuất" not in page and "Đăng nhập" in page
        page = as_lan.get(path).get_data(as_text=True)
        assert "Võ Thị Lan" in page and "Phạm Thị Hoa" not in page
        # The shop's own member sees the edit button; it is never kept for, nor taken from, the others.
        page = as_owner.get(path).get_data(as_text=True)
        assert "Sửa sản phẩm" in page and "Lê Văn Tư" in page
        assert "Sửa sản phẩm" not in anonymous.get(path).get_data(as_text=True)
        assert "Sửa sản phẩm" not in as_hoa.get(path).get_data(as_text=True)


def test_a_guest_s_cart_count_and_messages_stay_theirs(app, seller):
    path = f"/products/{seller.product.slug}"
    guest, other = app.test_client(), app.test_client()
    assert other.get(path).status_code == 200  # cached for everyone
    added = guest.post("/cart/items", data={"variant_id": seller.product.variant_ids[0], "quantity": 2},
                       follow_redirects=True)
    assert added.status_code == 200
    assert re.search(r'class="count">2<', guest.get(path).get_data(as_text=True))
    assert 'class="count"' not in other.get(path).get_data(as_text=True)


def test_an_unchanged_page_is_a_304_and_a_changed_one_is_not(app, seller):
    visitor = app.test_client()
    for path in ("/", f"/products/{seller.product.slug}"):
        first = visitor.get(path)
        again = visitor.get(path)  # the product page has set a session (its CSRF token): the same from now on
        assert again.headers["ETag"] and "private" in again.headers["Cache-Control"]
        assert visitor.get(path, headers={"If-None-Match": again.headers["ETag"]}).status_code == 304, path
        assert first.status_code == 200
    etag = visitor.get("/").headers["ETag"]
    _patch(seller, title="Mật ong U Minh hảo hạng")
    changed = visitor.get("/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "hảo hạng" in changed.get_data(as_text=True)


def test_a_blank_visitor_is_answered_before_flask_with_a_token_flask_accepts(app, seller):
    """The front of the cache answers with one query; the CSRF token it writes is one Flask-WTF accepts."""
    csrf_app = make_test_app(WTF_CSRF_ENABLED=True)
    path = f"/products/{seller.product.slug}"
    assert csrf_app.test_client().get(path).status_code == 200
    visitor = csrf_app.test_client()
    assert queries_for(visitor, path) <= 1
    page = visitor.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    added = visitor.post("/cart/items", data={"csrf_token": token, "variant_id": seller.product.variant_ids[0],
                                            "quantity": 1})
    assert added.status_code == 302
    # Each visitor their own token: a page kept for everyone never carries one.
    other = csrf_app.test_client().get(path).get_data(as_text=True)
    assert re.search(r'name="csrf_token" value="([^"]+)"', other).group(1) != token
    stranger = csrf_app.test_client()
    assert stranger.post("/cart/items", data={"csrf_token": token, "variant_id": 1}).status_code == 400


def test_each_look_at_a_cached_trace_page_is_counted(app, client, factory):
    from tests.traceability.conftest import batch_payload

    owner = factory.user(name="Chị Tư")
    shop = factory.shop(owner)
    product = factory.product(owner, shop)
    headers = {"Authorization": client.post("/api/v1/auth/token", json={"login": owner.login, "password": PASSWORD}
                                            ).json["token"].join(["Bearer ", ""])}
    code = client.post(f"/api/v1/products/{product.id}/batches", json=batch_payload(), headers=headers
                       ).json["public_code"]
    for n in (1, 2, 3):
        assert f"Lượt tra cứu: {n}" in app.test_client().get(f"/t/{code}").get_data(as_text=True)


def test_static_files_are_fingerprinted_and_kept_a_year(client):
    page = client.get("/shops").get_data(as_text=True)
    url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', page).group(1)
    assert client.get(url).headers["Cache-Control"] == "public, max-age=31536000"
    assert client.get("/static/css/app.css").headers["Cache-Control"] == "no-cache"  # no version named


def test_with_redis_every_change_still_shows_at_the_next_view(app, seller):
    """CACHE_REDIS_URL: the entries are shared by every process, and a change still shows at once."""
    import redis

    from tests.live import requests_in_a_new_process

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    path = f"/products/{seller.product.slug}"
    patch = {"method": "PATCH", "path": f"/api/v1/products/{seller.product.id}", "headers": seller.headers,
             "json": {"title": "Mật ong U Minh hảo hạng"}}
    answers, _log = requests_in_a_new_process(
        app, [{"path": path}, {"path": path}, {"path": f"/api/v1/products/{seller.product.id}"}, patch,
              {"path": path}, {"path": f"/api/v1/products/{seller.product.id}"}],
        CACHE_REDIS_URL=url, PAGE_CACHE=True)
    assert [a["status"] for a in answers] == [200] * 6
    assert NAME in answers[1]["body"] and "hảo hạng" not in answers[1]["body"]
    assert "hảo hạng" in answers[4]["body"] and json.loads(answers[5]["body"])["title"] == "Mật ong U Minh hảo hạng"
    assert redis.Redis.from_url(url).keys("chq:front:*")  # kept in Redis, for every process


def test_a_signed_in_buyer_is_answered_before_flask_and_always_sees_their_own_header(app, seller, factory):
    path = f"/products/{seller.product.slug}"
    hoa = factory.user(name="Phạm Thị Hoa")
    as_hoa, on_her_phone = app.test_client(), app.test_client()
    login(as_hoa, hoa)
    login(on_her_phone, hoa)
    for _ in range(2):
        assert as_hoa.get(path).status_code == 200  # the first renders, the second offers the front her parts
    assert queries_for(as_hoa, path) <= 1  # her header's facts and the version, in one query
    page = as_hoa.get(path).get_data(as_text=True)
    assert "Phạm Thị Hoa" in page and "Đăng xuất" in page and 'class="count"' not in page
    # What her header shows changes: the next page shows it, from the front again once seen.
    assert as_hoa.post("/cart/items", data={"variant_id": seller.product.variant_ids[0], "quantity": 3},
                       follow_redirects=True).status_code == 200
    for _ in range(2):
        assert re.search(r'class="count">3<', as_hoa.get(path).get_data(as_text=True))
    # A password changed on her phone signs every other browser out: never served her page again.
    changed = on_her_phone.post("/account/password", data={"current_password": PASSWORD,
                                                           "new_password": "mat-khau-moi-2026",
                                                           "confirm": "mat-khau-moi-2026"})
    assert changed.status_code == 302
    page = as_hoa.get(path).get_data(as_text=True)
    assert "Phạm Thị Hoa" not in page and "Đăng nhập" in page
