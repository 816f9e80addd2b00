"""Listing products: what a product must have, who may change it, and what buyers see.

Every refused input must answer with a clear Vietnamese message and leave the database as it was.
"""

import io

import pytest

from marketplace.catalog.models import Product, ProductPhoto, Variant
from marketplace.extensions import db
from marketplace.media.models import Image as ImageRow
from marketplace.shops.models import Shop, ShopMember
from tests.conftest import jpeg_bytes, login, table_count, token_for

PROBLEM_JSON = "application/problem+json"
CAN_THO, CAN_THO_WARD = 92, 31135
NBSP = "\u00a0"


# --- helpers ------------------------------------------------------------------------

def product_json(shop_id, variants=None, **overrides) -> dict:
    data = {"shop_id": shop_id, "title": "Tôm khô Cà Mau loại 1", "category_id": 2, "unit": "kg",
            "description": "Tôm đất phơi nắng", "variants": variants if variants is not None else [
                {"name": "500 g", "price_vnd": 450_000, "stock": 10}]}
    data.update(overrides)
    return data


def product_form(variants=(("500 g", "450.000", "10"),), **overrides) -> dict:
    data = {"title": "Tôm khô Cà Mau loại 1", "category_id": "2", "unit": "kg", "description": "",
            "status": "active"}
    for index, row in enumerate(variants):
        variant_id, (name, price, stock) = (row[0], row[1:]) if len(row) == 4 else ("", row)
        data.update({f"variants-{index}-id": variant_id, f"variants-{index}-name": name,
                     f"variants-{index}-price_vnd": price, f"variants-{index}-stock": stock})
    data.update(overrides)
    return data


def product_row(app, product_id) -> dict:
    with app.app_context():
        product = db.session.get(Product, product_id)
        return {
            "title": product.title, "slug": product.slug, "status": product.status, "unit": product.unit,
            "category_id": product.category_id, "description": product.description,
            "prices": (product.price_min_vnd, product.price_max_vnd),
            "variants": [(v.id, v.name, v.price_vnd, v.stock) for v in product.variants],
            "photos": [p.image_id for p in product.photos],
        }


def counts(app) -> tuple[int, int, int]:
    return table_count(app, Product), table_count(app, Variant), table_count(app, ProductPhoto)


def assert_problem(response, status, field=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    assert response.json["status"] == status
    assert response.json.get("detail")
    if field is not None:
        assert field in response.json["errors"], response.json


def text_of(response) -> str:
    return response.get_data(as_text=True)


def set_status_in_db(app, model, row_id, status) -> None:
    with app.app_context():
        db.session.get(model, row_id).status = status
        db.session.commit()


def upload(client, headers, product_id, data=None):
    return client.post(f"/api/v1/products/{product_id}/images", headers=headers,
                       data={"file": (io.BytesIO(data or jpeg_bytes()), "photo.jpg")},
                       content_type="multipart/form-data")


@pytest.fixture
def seller(factory, client):
    user = factory.user(name="Trần Thị Bích")
    shop = factory.shop(user, name="Tôm khô Đất Mũi")
    return user, shop, token_for(client, user)


# --- creating through the API --------------------------------------------------------

def test_api_create_is_active_by_default_and_public(app, client, seller):
    user, shop, headers = seller
    response = client.post("/api/v1/products", json=product_json(shop.id), headers=headers)

    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "active"
    assert body["slug"] == "tom-kho-ca-mau-loai-1"
    assert (body["price_min_vnd"], body["price_max_vnd"]) == (450_000, 450_000)
    assert [(v["name"], v["price_vnd"], v["stock"]) for v in body["variants"]] == [("500 g", 450_000, 10)]
    assert client.get(f"/api/v1/products/{body['id']}").status_code == 200
    assert client.get(f"/products/{body['slug']}").status_code == 200
    assert [p["id"] for p in client.get("/api/v1/products").json["items"]] == [body["id"]]


def test_api_create_as_draft_is_hidden_from_the_public(app, client, seller, factory):
    user, shop, headers = seller
    response = client.post("/api/v1/products", json=product_json(shop.id, status="draft"), headers=headers)

    assert response.status_code == 201, response.json
    product_id, slug = response.json["id"], response.json["slug"]
    assert response.json["status"] == "draft"
    assert product_row(app, product_id)["status"] == "draft"
    assert_problem(client.get(f"/api/v1/products/{product_id}"), 404)
    assert client.get(f"/products/{slug}").status_code == 404
    assert client.get("/api/v1/products").json["total"] == 0
    assert "Tôm khô Cà Mau loại 1" not in text_of(client.get("/products"))
    # ... but its shop still sees it.
    assert client.get(f"/api/v1/products/{product_id}", headers=headers).json["status"] == "draft"
    stranger = token_for(client, factory.user())
    assert_problem(client.get(f"/api/v1/products/{product_id}", headers=stranger), 404)


def test_same_title_twice_gets_two_slugs(app, client, seller):
    user, shop, headers = seller
    first = client.post("/api/v1/products", json=product_json(shop.id), headers=headers).json
    second = client.post("/api/v1/products", json=product_json(shop.id), headers=headers).json
    assert first["slug"] == "tom-kho-ca-mau-loai-1"
    assert second["slug"] != first["slug"] and second["slug"].startswith("tom-kho-ca-mau-loai-1-")
    assert client.get(f"/products/{second['slug']}").status_code == 200


def _variant(**fields):
    return [{"name": "500 g", "price_vnd": 450_000, "stock": 10, **fields}]


API_BAD_PRODUCTS = {
    "10,000-character title": (dict(title="T" * 10_000), "title", "tối đa 200"),
    "two-letter title": (dict(title="Cá"), "title", "ít nhất 3"),
    "zero price": (dict(variants=_variant(price_vnd=0)), "variants.0.price_vnd", "lớn hơn 0"),
    "negative price": (dict(variants=_variant(price_vnd=-125_000)), "variants.0.price_vnd", "lớn hơn 0"),
    "price over a billion": (dict(variants=_variant(price_vnd=1_000_000_001)), "variants.0.price_vnd", "tối đa 1 tỷ"),
    "negative stock": (dict(variants=_variant(stock=-1)), "variants.0.stock", "từ 0"),
    "non-numeric price": (dict(variants=_variant(price_vnd="một trăm")), "variants", None),
    "fractional price": (dict(variants=_variant(price_vnd=1.5)), "variants", None),
    "price as a string": (dict(variants=_variant(price_vnd="125000")), "variants", None),
    "unknown category": (dict(category_id=999_999), "category_id", "danh mục"),
    "unknown unit": (dict(unit="tấn"), "unit", "Đơn vị bán không hợp lệ"),
    "no variants": (dict(variants=[]), "variants", "ít nhất một loại hàng"),
    "missing variants": (dict(variants=None), "variants", None),
    "duplicate variant names": (dict(variants=[{"name": "500 g", "price_vnd": 450_000},
                                                {"name": "500 G", "price_vnd": 460_000}]),
                                "variants.1.name", "trùng tên"),
    "two unnamed variants": (dict(variants=[{"price_vnd": 450_000}, {"price_vnd": 460_000}]),
                             "variants.1.name", "trùng tên"),
    "status hidden on create": (dict(status="hidden"), "status", None),
    "status deleted on create": (dict(status="deleted"), "status", None),
}


@pytest.mark.parametrize("case", list(API_BAD_PRODUCTS))
def test_api_bad_product_is_refused_and_nothing_is_created(app, client, seller, case):
    user, shop, headers = seller
    overrides, field, words = API_BAD_PRODUCTS[case]
    data = product_json(shop.id)
    data.update(overrides)
    if data["variants"] is None:
        del data["variants"]

    response = client.post("/api/v1/products", json=data, headers=headers)

    assert_problem(response, 422, field)
    if words:
        assert words.lower() in response.json["detail"].lower()
    assert counts(app) == (0, 0, 0)


def test_api_create_in_unknown_shop_is_404(app, client, seller):
    user, shop, headers = seller
    assert_problem(client.post("/api/v1/products", json=product_json(999_999), headers=headers), 404)
    assert counts(app) == (0, 0, 0)


def test_api_create_in_another_sellers_shop_is_forbidden(app, client, seller, factory):
    user, shop, headers = seller
    stranger = factory.user()
    response = client.post("/api/v1/products", json=product_json(shop.id), headers=token_for(client, stranger))
    assert_problem(response, 403)
    assert "không có quyền" in response.json["detail"]
    assert counts(app) == (0, 0, 0)


def test_api_create_anonymous_is_401(app, client, seller):
    user, shop, headers = seller
    response = client.post("/api/v1/products", json=product_json(shop.id))
    assert_problem(response, 401)
    assert counts(app) == (0, 0, 0)


# --- changing through the API --------------------------------------------------------

@pytest.fixture
def listed(factory, seller):
    user, shop, headers = seller
    product = factory.product(user, shop, variants=[{"name": "500 g", "price_vnd": 450_000, "stock": 10},
                                                    {"name": "1 kg", "price_vnd": 850_000, "stock": 4}])
    return user, shop, headers, product


API_BAD_PATCHES = {
    "10,000-character title": ({"title": "T" * 10_000}, "title"),
    "zero price": ({"variants": [{"name": "500 g", "price_vnd": 0}]}, "variants.0.price_vnd"),
    "negative price": ({"variants": [{"name": "500 g", "price_vnd": -1}]}, "variants.0.price_vnd"),
    "negative stock": ({"variants": [{"name": "500 g", "price_vnd": 1000, "stock": -5}]}, "variants.0.stock"),
    "non-numeric price": ({"variants": [{"name": "500 g", "price_vnd": "abc"}]}, "variants"),
    "unknown category": ({"category_id": 999_999}, "category_id"),
    "unknown unit": ({"unit": "tấn"}, "unit"),
    "no variants": ({"variants": []}, "variants"),
    "duplicate variant names": ({"variants": [{"name": "1 kg", "price_vnd": 1000},
                                              {"name": "1 KG", "price_vnd": 2000}]}, "variants.1.name"),
    "status deleted": ({"status": "deleted"}, "status"),
    "good title with bad unit": ({"title": "Tên mới hợp lệ", "unit": "tấn"}, "unit"),
}


@pytest.mark.parametrize("case", list(API_BAD_PATCHES))
def test_api_bad_patch_changes_nothing(app, client, listed, case):
    user, shop, headers, product = listed
    data, field = API_BAD_PATCHES[case]
    before = product_row(app, product.id)

    response = client.patch(f"/api/v1/products/{product.id}", json=data, headers=headers)

    assert_problem(response, 422, field)
    assert product_row(app, product.id) == before
    assert counts(app)[1] == 2


def test_api_patch_cannot_steal_a_variant_of_another_product(app, client, listed, factory):
    user, shop, headers, product = listed
    other = factory.product(user, shop, title="Khô cá lóc")
    before, other_before = product_row(app, product.id), product_row(app, other.id)

    response = client.patch(f"/api/v1/products/{product.id}", headers=headers, json={
        "variants": [{"id": other.variant_ids[0], "name": "Lấy trộm", "price_vnd": 1000, "stock": 1}]})

    assert_problem(response, 409, "variants")  # a variant this product does not have (any longer)
    assert product_row(app, product.id) == before
    assert product_row(app, other.id) == other_before


def test_api_owner_patch_keeps_variant_ids_and_refreshes_prices(app, client, listed):
    user, shop, headers, product = listed
    keep = product.variant_ids[1]
    response = client.patch(f"/api/v1/products/{product.id}", headers=headers, json={
        "title": "Tôm khô loại đặc biệt", "unit": "hop",
        "variants": [{"id": keep, "name": "1 kg", "price_vnd": 900_000, "stock": 2},
                     {"name": "2 kg", "price_vnd": 1_700_000, "stock": 1}]})

    assert response.status_code == 200, response.json
    row = product_row(app, product.id)
    assert row["title"] == "Tôm khô loại đặc biệt"
    assert row["unit"] == "hộp"
    assert row["prices"] == (900_000, 1_700_000)
    assert [v[0] for v in row["variants"]][0] == keep
    assert [(v[1], v[2], v[3]) for v in row["variants"]] == [("1 kg", 900_000, 2), ("2 kg", 1_700_000, 1)]


# --- creating and changing through the web forms --------------------------------------

def test_web_create_product_with_vietnamese_amounts(app, client, seller):
    user, shop, headers = seller
    login(client, user)

    response = client.post(f"/seller/shops/{shop.slug}/products/new", data=product_form(
        variants=(("500 g", "125.000", "12"), ("1 kg", "240 000đ", "5"))))

    assert response.status_code == 302, text_of(response)
    with app.app_context():
        product = db.session.query(Product).one()
        assert product.status == "active"
        assert (product.price_min_vnd, product.price_max_vnd) == (125_000, 240_000)
        assert [(v.name, v.price_vnd, v.stock) for v in product.variants] == [("500 g", 125_000, 12),
                                                                               ("1 kg", 240_000, 5)]
    assert "Đã lưu “Tôm khô Cà Mau loại 1”" in text_of(client.get(response.headers["Location"]))


WEB_BAD_PRODUCTS = {
    "two-letter title": (dict(title="Cá"), "Tên sản phẩm cần ít nhất 3 ký tự"),
    "empty title": (dict(title="   "), "Vui lòng điền mục này"),
    "zero price": (dict(variants=(("500 g", "0", "10"),)), "Giá phải là số đồng lớn hơn 0"),
    "negative price": (dict(variants=(("500 g", "-125.000", "10"),)), "Giá phải là số đồng lớn hơn 0"),
    "non-numeric price": (dict(variants=(("500 g", "một trăm", "10"),)), "Giá phải là số đồng lớn hơn 0"),
    "missing price": (dict(variants=(("500 g", "", "10"),)), "Giá phải là số đồng lớn hơn 0"),
    "negative stock": (dict(variants=(("500 g", "125.000", "-3"),)), "Số lượng tồn kho phải từ 0 đến 1.000.000"),
    "non-numeric stock": (dict(variants=(("500 g", "125.000", "nhiều"),)),
                          "Số lượng tồn kho phải từ 0 đến 1.000.000"),
    "unknown category": (dict(category_id="999999"), "Vui lòng chọn danh mục"),
    "no category": (dict(category_id=""), "Vui lòng chọn danh mục"),
    "unknown unit": (dict(unit="tấn"), "Đơn vị bán không hợp lệ"),
    "no variants": (dict(variants=()), "Cần ít nhất một loại hàng"),
    "duplicate variant names": (dict(variants=(("500 g", "125.000", "1"), ("500 G", "130.000", "1"))),
                                "Hai loại hàng trùng tên “500 G”"),
    "unknown status": (dict(status="deleted"), "Trạng thái không hợp lệ"),
}


ROW_ERROR_CASES = ("zero price", "negative price", "non-numeric price", "missing price", "negative stock",
                   "non-numeric stock", "duplicate variant names")


@pytest.mark.parametrize("case", list(WEB_BAD_PRODUCTS))
def test_web_bad_product_form_is_shown_again_and_nothing_is_created(app, client, seller, case):
    user, shop, headers = seller
    login(client, user)
    overrides, message = WEB_BAD_PRODUCTS[case]

    response = client.post(f"/seller/shops/{shop.slug}/products/new", data=product_form(**overrides))

    assert response.status_code == 422
    assert message in text_of(response)
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize("case", ROW_ERROR_CASES)
def test_web_variant_row_error_is_shown_next_to_the_row_and_creates_nothing(app, client, seller, case):
    user, shop, headers = seller
    login(client, user)
    overrides, message = WEB_BAD_PRODUCTS[case]

    response = client.post(f"/seller/shops/{shop.slug}/products/new", data=product_form(**overrides))

    assert response.status_code == 422
    assert f'<p class="error" role="alert">{message}' in text_of(response)
    assert counts(app) == (0, 0, 0)


def test_web_edit_with_a_bad_price_does_not_half_save_the_title(app, client, listed):
    user, shop, headers, product = listed
    before = product_row(app, product.id)
    login(client, user)

    response = client.post(f"/seller/products/{product.id}/edit", data=product_form(
        title="Tên mới nửa chừng", variants=((str(product.variant_ids[0]), "500 g", "0", "10"),)))

    assert response.status_code == 422
    assert "Giá phải là số đồng lớn hơn 0" in text_of(response)
    assert product_row(app, product.id)["title"] == before["title"]


def test_web_10000_character_title_is_refused_in_vietnamese(app, client, seller):
    user, shop, headers = seller
    login(client, user)

    response = client.post(f"/seller/shops/{shop.slug}/products/new", data=product_form(title="T" * 10_000))

    assert response.status_code == 422
    assert counts(app) == (0, 0, 0)
    page = text_of(response)
    assert "Field cannot be longer" not in page
    assert "Tối đa 200 ký tự" in page  # next to the title field


def test_web_10000_character_title_is_refused_and_nothing_is_created(app, client, seller):
    user, shop, headers = seller
    login(client, user)
    response = client.post(f"/seller/shops/{shop.slug}/products/new", data=product_form(title="T" * 10_000))
    assert response.status_code == 422
    assert "200" in text_of(response)
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize("case", [
    "zero price", "negative price", "non-numeric price", "negative stock", "unknown category", "unknown unit",
    "no variants", "duplicate variant names"])
def test_web_bad_edit_changes_nothing(app, client, listed, case):
    user, shop, headers, product = listed
    before = product_row(app, product.id)
    login(client, user)
    overrides, message = WEB_BAD_PRODUCTS[case]
    if "variants" in overrides:  # the edited rows keep their ids, as the form sends them
        overrides = {**overrides, "variants": tuple(
            (str(vid), *row) for vid, row in zip(product.variant_ids, overrides["variants"], strict=False))}

    response = client.post(f"/seller/products/{product.id}/edit", data=product_form(title="Tên mới", **overrides))

    assert response.status_code == 422
    assert message in text_of(response)
    assert product_row(app, product.id) == before


def test_web_owner_edit_saves(app, client, listed):
    user, shop, headers, product = listed
    login(client, user)
    page = client.get(f"/seller/products/{product.id}/edit")
    assert page.status_code == 200 and "850000" in text_of(page)

    response = client.post(f"/seller/products/{product.id}/edit", data=product_form(
        title="Tôm khô loại đặc biệt", variants=((str(product.variant_ids[0]), "500 g", "470.000", "9"),)))

    assert response.status_code == 302, text_of(response)
    row = product_row(app, product.id)
    assert row["title"] == "Tôm khô loại đặc biệt"
    assert row["variants"] == [(product.variant_ids[0], "500 g", 470_000, 9)]
    assert row["prices"] == (470_000, 470_000)


def test_web_stock_change_and_bad_stock_flashes_and_changes_nothing(app, client, listed):
    user, shop, headers, product = listed
    variant_id = product.variant_ids[0]
    login(client, user)

    ok = client.post(f"/seller/variants/{variant_id}/stock", data={"stock": "1.250"})
    assert ok.status_code == 302
    assert product_row(app, product.id)["variants"][0][3] == 1250

    for bad in ("-3", "nhiều", "2000000"):
        response = client.post(f"/seller/variants/{variant_id}/stock", data={"stock": bad})
        assert response.status_code == 302
        assert "Số lượng tồn kho phải từ 0 đến 1.000.000" in text_of(client.get(response.headers["Location"]))
        assert product_row(app, product.id)["variants"][0][3] == 1250


def test_web_unknown_status_is_refused(app, client, listed):
    user, shop, headers, product = listed
    login(client, user)
    response = client.post(f"/seller/products/{product.id}/status", data={"status": "deleted"})
    assert response.status_code == 422
    assert "Trạng thái không hợp lệ" in text_of(response)
    assert product_row(app, product.id)["status"] == "active"


# --- a second seller and anonymous visitors -----------------------------------------

@pytest.fixture
def victim(app, client, factory):
    """The first seller's product with a photo, and a second seller who has a shop of their own."""
    owner = factory.user(name="Chủ thứ nhất")
    shop = factory.shop(owner, name="Tôm khô Đất Mũi")
    product = factory.product(owner, shop)
    assert upload(client, token_for(client, owner), product.id).status_code == 201
    intruder = factory.user(name="Người bán khác")
    factory.shop(intruder, name="Khô cá lóc Cần Thơ", province_code=CAN_THO, ward_code=CAN_THO_WARD)
    with app.app_context():
        photo_id = db.session.query(ProductPhoto).one().id
    return owner, shop, product, intruder, photo_id


def _web_attacks(product, photo_id):
    edit = product_form(title="Bị chiếm", variants=((str(product.variant_ids[0]), "500 g", "1", "0"),))
    return [
        ("get", f"/seller/products/{product.id}/edit", None),
        ("post", f"/seller/products/{product.id}/edit", edit),
        ("post", f"/seller/products/{product.id}/status", {"status": "hidden"}),
        ("post", f"/seller/products/{product.id}/delete", {}),
        ("post", f"/seller/variants/{product.variant_ids[0]}/stock", {"stock": "0"}),
        ("post", f"/seller/products/{product.id}/photos", {"photos": (io.BytesIO(jpeg_bytes()), "x.jpg")}),
        ("post", f"/seller/products/{product.id}/photos/{photo_id}/remove", {}),
        ("post", f"/seller/products/{product.id}/photos/{photo_id}/cover", {}),
    ]


def test_web_other_seller_cannot_touch_the_product(app, client, victim):
    owner, shop, product, intruder, photo_id = victim
    before, before_images = product_row(app, product.id), table_count(app, ImageRow)
    login(client, intruder)

    for method, path, data in _web_attacks(product, photo_id):
        response = getattr(client, method)(path, data=data)
        assert response.status_code in (403, 404), (path, response.status_code)
        assert "không có quyền" in text_of(response) or "Không tìm thấy" in text_of(response)
        assert product_row(app, product.id) == before, path
    assert table_count(app, ImageRow) == before_images


def test_web_anonymous_is_sent_to_login(app, client, victim):
    owner, shop, product, intruder, photo_id = victim
    before = product_row(app, product.id)
    for method, path, data in [*_web_attacks(product, photo_id),
                               ("post", f"/seller/shops/{shop.slug}/products/new", product_form())]:
        response = getattr(client, method)(path, data=data)
        assert response.status_code == 302, path
        assert "/account/login" in response.headers["Location"]
    assert product_row(app, product.id) == before
    assert counts(app) == (1, 1, 1)


def _api_attacks(product, photo_id):
    return [
        ("patch", f"/api/v1/products/{product.id}", {"json": {"title": "Bị chiếm"}}),
        ("patch", f"/api/v1/products/{product.id}", {"json": {"status": "hidden"}}),
        ("patch", f"/api/v1/products/{product.id}", {"json": {"variants": [
            {"id": product.variant_ids[0], "name": "500 g", "price_vnd": 450_000, "stock": 0}]}}),
        ("delete", f"/api/v1/products/{product.id}", {}),
        ("post", f"/api/v1/products/{product.id}/images", {
            "data": {"file": (io.BytesIO(jpeg_bytes(color=(1, 2, 3))), "x.jpg")},
            "content_type": "multipart/form-data"}),
        ("delete", f"/api/v1/products/{product.id}/images/{photo_id}", {}),
    ]


def test_api_other_seller_cannot_touch_the_product(app, client, victim):
    owner, shop, product, intruder, photo_id = victim
    before, before_images = product_row(app, product.id), table_count(app, ImageRow)
    headers = token_for(client, intruder)

    for method, path, kwargs in _api_attacks(product, photo_id):
        response = getattr(client, method)(path, headers=headers, **kwargs)
        assert response.status_code in (403, 404), (method, path, response.status_code)
        assert response.mimetype == PROBLEM_JSON
        assert product_row(app, product.id) == before, (method, path)
    assert table_count(app, ImageRow) == before_images
    assert client.get(f"/api/v1/products/{product.id}").json["title"] == "Tôm khô Cà Mau loại 1"


def test_api_anonymous_gets_401_and_nothing_changes(app, client, victim):
    owner, shop, product, intruder, photo_id = victim
    before = product_row(app, product.id)
    for method, path, kwargs in _api_attacks(product, photo_id):
        response = getattr(client, method)(path, **kwargs)
        assert_problem(response, 401)
        assert product_row(app, product.id) == before


# --- managers ----------------------------------------------------------------------

@pytest.fixture
def managed(app, factory):
    owner = factory.user(name="Chủ gian hàng")
    shop = factory.shop(owner)
    product = factory.product(owner, shop)
    manager = factory.user(name="Cán bộ số ấp")
    owner_client = app.test_client()
    login(owner_client, owner)
    added = owner_client.post(f"/seller/shops/{shop.slug}/members", data={"login": manager.login})
    assert added.status_code == 302, text_of(added)
    with app.app_context():
        assert db.session.query(ShopMember).filter_by(shop_id=shop.id, user_id=manager.id).one().role == "manager"
    return owner, shop, product, manager


def test_manager_can_edit_products_and_stock_of_the_shop(app, client, managed):
    owner, shop, product, manager = managed
    login(client, manager)

    edit = client.post(f"/seller/products/{product.id}/edit", data=product_form(
        title="Tôm khô do cán bộ sửa", variants=((str(product.variant_ids[0]), "500 g", "460.000", "8"),)))
    assert edit.status_code == 302, text_of(edit)
    stock = client.post(f"/seller/variants/{product.variant_ids[0]}/stock", data={"stock": "30"})
    assert stock.status_code == 302
    api = client.patch(f"/api/v1/products/{product.id}", json={"description": "Hàng mới về"},
                       headers=token_for(client, manager))
    assert api.status_code == 200, api.json
    new = client.post(f"/seller/shops/{shop.slug}/products/new", data=product_form(title="Mắm ba khía"))
    assert new.status_code == 302, text_of(new)

    row = product_row(app, product.id)
    assert row["title"] == "Tôm khô do cán bộ sửa"
    assert row["description"] == "Hàng mới về"
    assert row["variants"] == [(product.variant_ids[0], "500 g", 460_000, 30)]
    assert table_count(app, Product) == 2


def test_manager_sees_drafts_of_the_shop(app, client, managed, factory):
    owner, shop, product, manager = managed
    draft = factory.product(owner, shop, title="Mắm ba khía nháp", status="draft")
    assert client.get(f"/api/v1/products/{draft.id}", headers=token_for(client, manager)).status_code == 200
    assert client.get(f"/api/v1/products/{draft.id}").status_code == 404


def test_manager_cannot_touch_products_of_another_shop(app, client, managed, factory):
    owner, shop, product, manager = managed
    other_owner = factory.user()
    other_shop = factory.shop(other_owner, name="Mật ong U Minh")
    other = factory.product(other_owner, other_shop, title="Mật ong rừng U Minh")
    before = product_row(app, other.id)
    login(client, manager)
    headers = token_for(client, manager)

    assert client.post(f"/seller/products/{other.id}/edit", data=product_form(title="Chiếm")).status_code == 403
    assert client.post(f"/seller/variants/{other.variant_ids[0]}/stock", data={"stock": "0"}).status_code == 403
    assert client.post(f"/seller/products/{other.id}/status", data={"status": "hidden"}).status_code == 403
    assert_problem(client.patch(f"/api/v1/products/{other.id}", json={"title": "Chiếm"}, headers=headers), 403)
    assert_problem(client.delete(f"/api/v1/products/{other.id}", headers=headers), 403)
    assert_problem(client.post("/api/v1/products", json=product_json(other_shop.id), headers=headers), 403)
    assert product_row(app, other.id) == before
    assert table_count(app, Product) == 2


# --- what buyers see ----------------------------------------------------------------

@pytest.fixture
def mixed_catalogue(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner, name="Đặc sản Đất Mũi")
    active = factory.product(owner, shop, title="Tôm khô đang bán")
    draft = factory.product(owner, shop, title="Mắm ba khía nháp", status="draft")
    hidden = factory.product(owner, shop, title="Khô cá dứa tạm ẩn")
    deleted = factory.product(owner, shop, title="Cua Năm Căn đã xoá")
    owner_client = app.test_client()
    login(owner_client, owner)
    assert owner_client.post(f"/seller/products/{hidden.id}/status", data={"status": "hidden"}).status_code == 302
    assert owner_client.post(f"/seller/products/{deleted.id}/delete").status_code == 302
    assert product_row(app, hidden.id)["status"] == "hidden"
    assert product_row(app, deleted.id)["status"] == "deleted"
    return owner, shop, {"active": active, "draft": draft, "hidden": hidden, "deleted": deleted}


TITLES = {"active": "Tôm khô đang bán", "draft": "Mắm ba khía nháp", "hidden": "Khô cá dứa tạm ẩn",
          "deleted": "Cua Năm Căn đã xoá"}


def test_only_active_products_are_listed_anywhere(app, client, mixed_catalogue):
    owner, shop, products = mixed_catalogue
    pages = {
        "/products": text_of(client.get("/products")),
        "/": text_of(client.get("/")),
        f"/shops/{shop.slug}": text_of(client.get(f"/shops/{shop.slug}")),
        "/products?province=96": text_of(client.get("/products?province=96")),
    }
    for path, page in pages.items():
        assert TITLES["active"] in page, path
        for status in ("draft", "hidden", "deleted"):
            assert TITLES[status] not in page, (path, status)

    for query in ("", f"?shop_id={shop.id}", "?province_code=96", "?category_id=2"):
        body = client.get(f"/api/v1/products{query}").json
        assert [p["id"] for p in body["items"]] == [products["active"].id], query
        assert body["total"] == 1, query


@pytest.mark.parametrize("status", ["draft", "hidden", "deleted"])
def test_unlisted_product_pages_are_404_for_the_public(app, client, mixed_catalogue, status):
    owner, shop, products = mixed_catalogue
    product = products[status]
    assert client.get(f"/products/{product.slug}").status_code == 404
    assert_problem(client.get(f"/api/v1/products/{product.id}"), 404)


def test_deleted_product_is_gone_even_for_its_owner(app, client, mixed_catalogue):
    owner, shop, products = mixed_catalogue
    headers = token_for(client, owner)
    deleted = products["deleted"]
    assert_problem(client.get(f"/api/v1/products/{deleted.id}", headers=headers), 404)
    assert_problem(client.patch(f"/api/v1/products/{deleted.id}", json={"status": "active"}, headers=headers), 404)
    assert product_row(app, deleted.id)["status"] == "deleted"
    assert client.get(f"/api/v1/products/{products['hidden'].id}", headers=headers).status_code == 200


def test_products_of_a_hidden_shop_are_not_listed(app, client, mixed_catalogue):
    owner, shop, products = mixed_catalogue
    set_status_in_db(app, Shop, shop.id, "hidden")
    assert client.get("/api/v1/products").json["total"] == 0
    assert TITLES["active"] not in text_of(client.get("/products"))
    assert client.get(f"/products/{products['active'].slug}").status_code == 404


def test_price_is_shown_in_vietnamese_dong_with_a_non_breaking_space(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    single = factory.product(owner, shop, title="Khô cá sặc", variants=[
        {"name": "500 g", "price_vnd": 125_000, "stock": 3}])
    ranged = factory.product(owner, shop, title="Tôm khô", variants=[
        {"name": "250 g", "price_vnd": 99_000, "stock": 3}, {"name": "1 kg", "price_vnd": 1_250_000, "stock": 1}])

    page = text_of(client.get(f"/products/{single.slug}"))
    assert f"125.000{NBSP}₫" in page
    assert "125000" not in page and "125,000" not in page

    ranged_page = text_of(client.get(f"/products/{ranged.slug}"))
    assert f"99.000{NBSP}₫" in ranged_page
    assert f"1.250.000{NBSP}₫" in ranged_page
    assert f"125.000{NBSP}₫" in text_of(client.get("/products"))
