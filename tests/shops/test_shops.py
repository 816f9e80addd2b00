"""Opening shops, who may change them, and the public shop directory.

Every refused input must answer with a clear Vietnamese message and leave the database as it was.
"""

import pytest

from marketplace.extensions import db
from marketplace.shops.models import Shop, ShopMember
from tests.conftest import login, table_count, token_for

PROBLEM_JSON = "application/problem+json"

CA_MAU, CA_MAU_WARD = 96, 32002          # Phường An Xuyên, Cà Mau
CAN_THO, CAN_THO_WARD = 92, 31135        # Phường Ninh Kiều, Cần Thơ


def shop_json(**overrides) -> dict:
    data = {"name": "Tôm khô Đất Mũi", "province_code": CA_MAU, "ward_code": CA_MAU_WARD,
            "address": "Ấp Kinh Hòa", "phone": "0912345678"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def shop_form(**overrides) -> dict:
    data = {"name": "Tôm khô Đất Mũi", "province_code": str(CA_MAU), "ward_code": str(CA_MAU_WARD),
            "address": "Ấp Kinh Hòa", "phone": "0912 345 678", "description": "", "zalo": ""}
    data.update(overrides)
    return data


def shop_row(app, shop_id) -> dict:
    """The columns a stranger must not be able to change."""
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        return {c: getattr(shop, c) for c in ("name", "slug", "description", "province_code", "ward_code",
                                                "address", "phone", "zalo", "bank_bin", "bank_account_number",
                                                "bank_account_name", "status")}


def members_of(app, shop_id) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.query(ShopMember).filter_by(shop_id=shop_id).order_by(ShopMember.id)
        return [(m.user_id, m.role) for m in rows]


def assert_problem(response, status, field=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body = response.json
    assert body["status"] == status
    assert body.get("detail")
    if field is not None:
        assert field in body["errors"], body


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def seller(factory, client):
    user = factory.user(name="Trần Thị Bích")
    return user, token_for(client, user)


# --- opening a shop: API ------------------------------------------------------------

def test_api_open_shop_makes_slug_without_diacritics_and_caller_owns_it(app, client, seller):
    user, headers = seller
    response = client.post("/api/v1/shops", json=shop_json(), headers=headers)

    assert response.status_code == 201, response.json
    body = response.json
    assert body["slug"] == "tom-kho-dat-mui"
    assert body["name"] == "Tôm khô Đất Mũi"
    assert body["province"]["code"] == CA_MAU
    assert body["ward"]["code"] == CA_MAU_WARD
    assert body["phone"] == "+84912345678"
    assert members_of(app, body["id"]) == [(user.id, "owner")]


def test_api_second_shop_with_same_name_gets_another_unique_slug(app, client, seller, factory):
    user, headers = seller
    first = client.post("/api/v1/shops", json=shop_json(), headers=headers)
    other = factory.user()
    second = client.post("/api/v1/shops", json=shop_json(), headers=token_for(client, other))

    assert first.status_code == 201 and second.status_code == 201, second.json
    assert first.json["slug"] == "tom-kho-dat-mui"
    assert second.json["slug"] != first.json["slug"]
    assert second.json["slug"].startswith("tom-kho-dat-mui-")
    assert client.get(f"/shops/{first.json['slug']}").status_code == 200
    assert client.get(f"/shops/{second.json['slug']}").status_code == 200
    assert table_count(app, Shop) == 2


def test_api_explicit_slug_that_is_taken_is_a_conflict(app, client, seller, factory):
    user, headers = seller
    taken = factory.shop(factory.user(), name="Mắm Cà Mau", slug="mam-ca-mau")
    before = table_count(app, Shop)

    response = client.post("/api/v1/shops", json=shop_json(slug="mam-ca-mau"), headers=headers)

    assert_problem(response, 409, "slug")
    assert "mam-ca-mau" in response.json["detail"]
    assert table_count(app, Shop) == before
    assert shop_row(app, taken.id)["name"] == "Mắm Cà Mau"


def test_api_explicit_free_slug_is_used(app, client, seller):
    user, headers = seller
    response = client.post("/api/v1/shops", json=shop_json(slug="tom-kho-nam-can"), headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["slug"] == "tom-kho-nam-can"


BAD_SHOPS = {
    "ward of another province": (dict(province_code=CA_MAU, ward_code=CAN_THO_WARD), "ward_code", "không thuộc"),
    "unknown province": (dict(province_code=99, ward_code=CA_MAU_WARD), "province_code", "tỉnh"),
    "unknown ward": (dict(ward_code=99999), "ward_code", "phường"),
    "bad phone": (dict(phone="12345"), "phone", "Số điện thoại không hợp lệ"),
    "letters as phone": (dict(phone="không có"), "phone", "Số điện thoại không hợp lệ"),
    "one-letter name": (dict(name="A"), "name", "ít nhất 2 ký tự"),
    "very long name": (dict(name="Tôm " * 2500), "name", "tối đa 120"),
    "blank address": (dict(address="   "), "address", "số nhà"),
    "bad slug": (dict(slug="Tôm Khô!"), "slug", "chữ thường"),
}


@pytest.mark.parametrize("case", list(BAD_SHOPS))
def test_api_bad_shop_is_refused_and_nothing_is_created(app, client, seller, case):
    user, headers = seller
    overrides, field, words = BAD_SHOPS[case]

    response = client.post("/api/v1/shops", json=shop_json(**overrides), headers=headers)

    assert_problem(response, 422, field)
    body = response.json
    assert words.lower() in " ".join([body["detail"], *body["errors"][field]]).lower()  # the field says why
    assert table_count(app, Shop) == 0
    assert table_count(app, ShopMember) == 0


def test_api_ward_of_another_province_names_both_places(app, client, seller):
    user, headers = seller
    response = client.post("/api/v1/shops", json=shop_json(province_code=CA_MAU, ward_code=CAN_THO_WARD),
                           headers=headers)
    assert_problem(response, 422, "ward_code")
    assert "Ninh Kiều" in response.json["detail"]
    assert "Cà Mau" in response.json["detail"]


@pytest.mark.parametrize("field, value", [("province_code", "96"), ("ward_code", "abc"), ("name", None)])
def test_api_shop_with_wrong_types_or_missing_fields_is_refused(app, client, seller, field, value):
    user, headers = seller
    data = shop_json()
    if value is None:
        del data[field]
    else:
        data[field] = value
    response = client.post("/api/v1/shops", json=data, headers=headers)
    assert_problem(response, 422, field)
    assert table_count(app, Shop) == 0


def test_api_bad_bank_account_on_opening_creates_no_shop(app, client, seller):
    user, headers = seller
    response = client.post("/api/v1/shops", json=shop_json(bank_bin="970436", bank_account_number="12"),
                           headers=headers)
    assert_problem(response, 422, "bank_account_number")
    assert table_count(app, Shop) == 0


def test_api_anonymous_cannot_open_a_shop(app, client):
    response = client.post("/api/v1/shops", json=shop_json())
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert table_count(app, Shop) == 0


# --- opening a shop: web form -------------------------------------------------------

def test_web_open_shop_redirects_to_first_product_with_ascii_slug(app, client, seller):
    user, _ = seller
    login(client, user)

    response = client.post("/seller/shops/new", data=shop_form())

    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"].endswith("/seller/shops/tom-kho-dat-mui/products/new")
    with app.app_context():
        shop = db.session.query(Shop).one()
        assert (shop.slug, shop.phone, shop.province_code) == ("tom-kho-dat-mui", "+84912345678", CA_MAU)
    follow = client.get(response.headers["Location"])
    assert "Gian hàng “Tôm khô Đất Mũi” đã mở" in text_of(follow)


def test_web_second_shop_with_same_name_gets_unique_slug(app, client, seller, factory):
    user, _ = seller
    factory.shop(factory.user(), name="Tôm khô Đất Mũi")
    login(client, user)

    response = client.post("/seller/shops/new", data=shop_form())

    assert response.status_code == 302, text_of(response)
    with app.app_context():
        slugs = sorted(s.slug for s in db.session.query(Shop))
    assert len(set(slugs)) == 2
    assert "tom-kho-dat-mui" in slugs


WEB_BAD_SHOPS = {
    "ward of another province": (dict(province_code=str(CA_MAU), ward_code=str(CAN_THO_WARD)),
                                 "Phường Ninh Kiều không thuộc Cà Mau"),
    "unknown province": (dict(province_code="99"), "Vui lòng chọn tỉnh/thành phố"),
    "no province": (dict(province_code=""), "Vui lòng chọn tỉnh/thành phố"),
    "no ward": (dict(ward_code=""), "Vui lòng chọn phường/xã"),
    "bad phone": (dict(phone="12345"), "Số điện thoại không hợp lệ"),
    "bad zalo": (dict(zalo="abc"), "Số điện thoại không hợp lệ"),
    "empty name": (dict(name=""), "Vui lòng điền mục này"),
}


@pytest.mark.parametrize("case", list(WEB_BAD_SHOPS))
def test_web_bad_shop_form_is_shown_again_with_message_and_nothing_created(app, client, seller, case):
    user, _ = seller
    login(client, user)
    overrides, message = WEB_BAD_SHOPS[case]

    response = client.post("/seller/shops/new", data=shop_form(**overrides))

    assert response.status_code == 422
    assert message in text_of(response)
    assert table_count(app, Shop) == 0
    assert table_count(app, ShopMember) == 0


def test_web_shop_name_over_120_characters_is_refused_in_vietnamese(app, client, seller):
    user, _ = seller
    login(client, user)
    response = client.post("/seller/shops/new", data=shop_form(name="T" * 10_000))
    assert response.status_code == 422
    page = text_of(response)
    assert "120" in page
    assert "Field cannot be longer" not in page, "WTForms' English message leaked into a Vietnamese page"
    assert table_count(app, Shop) == 0


def test_web_new_shop_requires_login(app, client):
    response = client.post("/seller/shops/new", data=shop_form())
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    assert table_count(app, Shop) == 0


def test_web_edit_slug_to_a_taken_one_is_refused(app, client, factory):
    owner = factory.user()
    mine = factory.shop(owner, name="Khô cá sặc")
    other = factory.shop(factory.user(), name="Mắm Cà Mau", slug="mam-ca-mau")
    before = shop_row(app, mine.id)
    login(client, owner)

    response = client.post(f"/seller/shops/{mine.slug}/edit",
                           data=shop_form(name="Khô cá sặc mới", slug="mam-ca-mau"))

    assert response.status_code in (409, 422)
    assert "“mam-ca-mau” đã có người dùng" in text_of(response)
    assert shop_row(app, mine.id) == before
    assert shop_row(app, other.id)["slug"] == "mam-ca-mau"


def test_web_edit_shop_to_ward_of_another_province_changes_nothing(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    before = shop_row(app, shop.id)
    login(client, owner)

    response = client.post(f"/seller/shops/{shop.slug}/edit",
                           data=shop_form(name="Tên mới", province_code=str(CA_MAU), ward_code=str(CAN_THO_WARD)))

    assert response.status_code == 422
    assert "không thuộc" in text_of(response)
    assert shop_row(app, shop.id) == before


def test_api_patch_slug_to_a_taken_one_is_a_conflict(app, client, factory):
    owner = factory.user()
    mine = factory.shop(owner)
    factory.shop(factory.user(), slug="mam-ca-mau")
    before = shop_row(app, mine.id)

    response = client.patch(f"/api/v1/shops/{mine.slug}", json=shop_json(slug="mam-ca-mau", name="Đổi tên"),
                            headers=token_for(client, owner))

    assert_problem(response, 409, "slug")
    assert shop_row(app, mine.id) == before


def test_api_patch_ward_of_another_province_changes_nothing(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    before = shop_row(app, shop.id)

    response = client.patch(f"/api/v1/shops/{shop.slug}", json=shop_json(ward_code=CAN_THO_WARD),
                            headers=token_for(client, owner))

    assert_problem(response, 422, "ward_code")
    assert shop_row(app, shop.id) == before


def test_api_patch_bad_phone_changes_nothing(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    before = shop_row(app, shop.id)

    response = client.patch(f"/api/v1/shops/{shop.slug}", json=shop_json(phone="0123", name="Tên mới"),
                            headers=token_for(client, owner))

    assert_problem(response, 422, "phone")
    assert shop_row(app, shop.id) == before


# --- a second seller and anonymous visitors -----------------------------------------

@pytest.fixture
def two_sellers(factory):
    owner = factory.user(name="Chủ thứ nhất")
    shop = factory.shop(owner, name="Tôm khô Đất Mũi")
    intruder = factory.user(name="Người bán khác")
    factory.shop(intruder, name="Khô cá lóc Cần Thơ", province_code=CAN_THO, ward_code=CAN_THO_WARD)
    return owner, shop, intruder


def test_web_other_seller_cannot_edit_shop(app, client, two_sellers):
    owner, shop, intruder = two_sellers
    before = shop_row(app, shop.id)
    login(client, intruder)

    assert client.get(f"/seller/shops/{shop.slug}/edit").status_code in (403, 404)
    response = client.post(f"/seller/shops/{shop.slug}/edit", data=shop_form(name="Bị chiếm", phone="0987654321"))

    assert response.status_code in (403, 404)
    assert "không có quyền" in text_of(response)
    assert shop_row(app, shop.id) == before


def test_web_other_seller_cannot_set_bank_account(app, client, two_sellers):
    owner, shop, intruder = two_sellers
    before = shop_row(app, shop.id)
    login(client, intruder)

    assert client.get(f"/seller/shops/{shop.slug}/bank").status_code in (403, 404)
    response = client.post(f"/seller/shops/{shop.slug}/bank", data={
        "bank_bin": "970436", "bank_account_number": "0071000123456", "bank_account_name": "Nguoi ban khac"})

    assert response.status_code in (403, 404)
    assert shop_row(app, shop.id) == before


def test_web_other_seller_cannot_add_members(app, client, two_sellers, factory):
    owner, shop, intruder = two_sellers
    helper = factory.user()
    login(client, intruder)

    response = client.post(f"/seller/shops/{shop.slug}/members", data={"login": helper.login})

    assert response.status_code in (403, 404)
    assert members_of(app, shop.id) == [(owner.id, "owner")]


def test_api_other_seller_cannot_patch_shop_or_its_bank(app, client, two_sellers):
    owner, shop, intruder = two_sellers
    before = shop_row(app, shop.id)
    headers = token_for(client, intruder)

    profile = client.patch(f"/api/v1/shops/{shop.slug}", json=shop_json(name="Bị chiếm"), headers=headers)
    bank = client.patch(f"/api/v1/shops/{shop.slug}", headers=headers, json=shop_json(
        bank_bin="970436", bank_account_number="0071000123456", bank_account_name="Nguoi ban khac"))

    for response in (profile, bank):
        assert response.status_code in (403, 404)
        assert response.mimetype == PROBLEM_JSON
    assert shop_row(app, shop.id) == before


def test_api_other_seller_does_not_see_bank_account(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    saved = client.patch(f"/api/v1/shops/{shop.slug}", headers=token_for(client, owner), json=shop_json(
        bank_bin="970436", bank_account_number="0071000123456", bank_account_name="Trần Thị Bích"))
    assert saved.status_code == 200, saved.json
    assert client.get(f"/api/v1/shops/{shop.slug}", headers=token_for(client, owner)).json["bank"][
        "account_name"] == "TRAN THI BICH"

    stranger = factory.user()
    assert client.get(f"/api/v1/shops/{shop.slug}", headers=token_for(client, stranger)).json["bank"] is None
    assert client.get(f"/api/v1/shops/{shop.slug}").json["bank"] is None


def test_api_anonymous_cannot_patch_shop(app, client, two_sellers):
    owner, shop, intruder = two_sellers
    before = shop_row(app, shop.id)
    response = client.patch(f"/api/v1/shops/{shop.slug}", json=shop_json(name="Vô danh"))
    assert_problem(response, 401)
    assert shop_row(app, shop.id) == before


@pytest.mark.parametrize("path", ["edit", "bank", "members"])
def test_web_anonymous_is_sent_to_login(app, client, two_sellers, path):
    owner, shop, intruder = two_sellers
    before = shop_row(app, shop.id)
    response = client.post(f"/seller/shops/{shop.slug}/{path}", data=shop_form(name="Vô danh"))
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    assert shop_row(app, shop.id) == before


def test_unknown_shop_is_404(app, client, seller):
    user, headers = seller
    assert client.get("/shops/khong-co").status_code == 404
    assert_problem(client.get("/api/v1/shops/khong-co"), 404)
    assert_problem(client.patch("/api/v1/shops/khong-co", json=shop_json(), headers=headers), 404)


# --- the bank account: owner only, validated ----------------------------------------

def test_web_owner_sets_bank_account_and_bad_number_changes_nothing(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    login(client, owner)

    ok = client.post(f"/seller/shops/{shop.slug}/bank", data={
        "bank_bin": "970436", "bank_account_number": "0071 000 123 456", "bank_account_name": "Trần Thị Bích"})
    assert ok.status_code == 302, text_of(ok)
    saved = shop_row(app, shop.id)
    assert (saved["bank_bin"], saved["bank_account_number"], saved["bank_account_name"]) == (
        "970436", "0071000123456", "TRAN THI BICH")

    bad = client.post(f"/seller/shops/{shop.slug}/bank", data={
        "bank_bin": "970436", "bank_account_number": "12ab", "bank_account_name": "Trần Thị Bích"})
    assert bad.status_code == 422
    assert "Số tài khoản gồm 6 đến 19 chữ số" in text_of(bad)
    assert shop_row(app, shop.id) == saved

    unknown_bank = client.post(f"/seller/shops/{shop.slug}/bank", data={
        "bank_bin": "000000", "bank_account_number": "0071000999999", "bank_account_name": "X"})
    assert unknown_bank.status_code == 422
    assert "Vui lòng chọn ngân hàng" in text_of(unknown_bank)
    assert shop_row(app, shop.id) == saved


# --- managers ------------------------------------------------------------------------

@pytest.fixture
def managed_shop(app, client, factory):
    """An owner who added a manager through the members page."""
    owner = factory.user(name="Chủ gian hàng")
    shop = factory.shop(owner)
    manager = factory.user(name="Cán bộ số ấp")
    owner_client = app.test_client()
    login(owner_client, owner)
    response = owner_client.post(f"/seller/shops/{shop.slug}/members", data={"login": manager.login})
    assert response.status_code == 302, text_of(response)
    assert (manager.id, "manager") in members_of(app, shop.id)
    return owner, shop, manager, owner_client


def test_owner_cannot_add_the_same_manager_twice_or_an_unknown_person(app, client, managed_shop):
    owner, shop, manager, owner_client = managed_shop
    before = members_of(app, shop.id)

    again = owner_client.post(f"/seller/shops/{shop.slug}/members", data={"login": manager.login})
    nobody = owner_client.post(f"/seller/shops/{shop.slug}/members", data={"login": "0999999999"})

    assert again.status_code in (409, 422)
    assert "đã là thành viên" in text_of(again)
    assert nobody.status_code == 422
    assert "Chưa có tài khoản" in text_of(nobody)
    assert members_of(app, shop.id) == before


def test_manager_can_edit_shop_profile(app, client, managed_shop):
    owner, shop, manager, owner_client = managed_shop
    login(client, manager)
    response = client.post(f"/seller/shops/{shop.slug}/edit", data=shop_form(name="Tôm khô Năm Căn"))
    assert response.status_code == 302, text_of(response)
    assert shop_row(app, shop.id)["name"] == "Tôm khô Năm Căn"


def test_manager_cannot_change_bank_account_on_web_or_api(app, client, managed_shop):
    owner, shop, manager, owner_client = managed_shop
    owner_client.post(f"/seller/shops/{shop.slug}/bank", data={
        "bank_bin": "970436", "bank_account_number": "0071000123456", "bank_account_name": "Chu gian hang"})
    before = shop_row(app, shop.id)
    assert before["bank_account_number"] == "0071000123456"
    login(client, manager)
    diverted = {"bank_bin": "970436", "bank_account_number": "9999999999", "bank_account_name": "Can bo"}

    assert client.get(f"/seller/shops/{shop.slug}/bank").status_code == 403
    web = client.post(f"/seller/shops/{shop.slug}/bank", data=diverted)
    api = client.patch(f"/api/v1/shops/{shop.slug}", json=shop_json(name="Đổi tên", **diverted),
                       headers=token_for(client, manager))
    api_clear = client.patch(f"/api/v1/shops/{shop.slug}", json={**shop_json(), "bank_bin": None,
                             "bank_account_number": None, "bank_account_name": None},
                             headers=token_for(client, manager))

    assert web.status_code == 403
    assert "không có quyền" in text_of(web)
    assert_problem(api, 403)
    assert_problem(api_clear, 403)
    assert shop_row(app, shop.id) == before


def test_manager_cannot_manage_members(app, client, managed_shop, factory):
    owner, shop, manager, owner_client = managed_shop
    helper = factory.user()
    before = members_of(app, shop.id)
    login(client, manager)

    assert client.get(f"/seller/shops/{shop.slug}/members").status_code == 403
    add = client.post(f"/seller/shops/{shop.slug}/members", data={"login": helper.login})
    with app.app_context():
        owner_member = db.session.query(ShopMember).filter_by(shop_id=shop.id, role="owner").one().id
    remove = client.post(f"/seller/shops/{shop.slug}/members/{owner_member}/remove")

    assert add.status_code == 403
    assert remove.status_code == 403
    assert members_of(app, shop.id) == before


def test_manager_cannot_touch_another_shop(app, client, managed_shop, factory):
    owner, shop, manager, owner_client = managed_shop
    other = factory.shop(factory.user(), name="Mật ong U Minh")
    before = shop_row(app, other.id)
    login(client, manager)

    web = client.post(f"/seller/shops/{other.slug}/edit", data=shop_form(name="Chiếm"))
    api = client.patch(f"/api/v1/shops/{other.slug}", json=shop_json(name="Chiếm"),
                       headers=token_for(client, manager))

    assert web.status_code == 403
    assert_problem(api, 403)
    assert shop_row(app, other.id) == before


def test_owner_removes_manager_who_then_loses_access(app, client, managed_shop):
    owner, shop, manager, owner_client = managed_shop
    with app.app_context():
        member_id = db.session.query(ShopMember).filter_by(shop_id=shop.id, user_id=manager.id).one().id
    response = owner_client.post(f"/seller/shops/{shop.slug}/members/{member_id}/remove")
    assert response.status_code == 302
    assert members_of(app, shop.id) == [(owner.id, "owner")]

    login(client, manager)
    assert client.post(f"/seller/shops/{shop.slug}/edit", data=shop_form(name="Sau khi bị xoá")).status_code == 403


# --- the public directory -----------------------------------------------------------

def test_directory_filtered_by_province_lists_only_that_province(app, client, factory):
    owner = factory.user()
    factory.shop(owner, name="Tôm khô Rạch Gốc")
    factory.shop(factory.user(), name="Cua Năm Căn")
    factory.shop(factory.user(), name="Bánh pía Ninh Kiều", province_code=CAN_THO, ward_code=CAN_THO_WARD)

    ca_mau = text_of(client.get("/shops?province=96"))
    can_tho = text_of(client.get("/shops?province=92"))
    everything = text_of(client.get("/shops"))

    assert "Tôm khô Rạch Gốc" in ca_mau and "Cua Năm Căn" in ca_mau
    assert "Bánh pía Ninh Kiều" not in ca_mau
    assert "Bánh pía Ninh Kiều" in can_tho and "Cua Năm Căn" not in can_tho
    assert all(name in everything for name in ("Tôm khô Rạch Gốc", "Cua Năm Căn", "Bánh pía Ninh Kiều"))


def test_api_directory_filtered_by_province(app, client, factory):
    factory.shop(factory.user(), name="Tôm khô Rạch Gốc")
    factory.shop(factory.user(), name="Bánh pía Ninh Kiều", province_code=CAN_THO, ward_code=CAN_THO_WARD)

    body = client.get("/api/v1/shops?province_code=96").json

    assert body["total"] == 1
    assert [s["name"] for s in body["items"]] == ["Tôm khô Rạch Gốc"]
    assert {s["province"]["code"] for s in body["items"]} == {CA_MAU}
    assert all(s["bank"] is None for s in body["items"])
    assert_problem(client.get("/api/v1/shops?province_code=abc"), 422)


def test_hidden_shop_is_not_in_directory_nor_reachable(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner, name="Gian hàng tạm nghỉ")
    factory.shop(factory.user(), name="Gian hàng đang bán")
    with app.app_context():
        db.session.get(Shop, shop.id).status = "hidden"
        db.session.commit()

    page = text_of(client.get("/shops?province=96"))
    assert "Gian hàng đang bán" in page
    assert "Gian hàng tạm nghỉ" not in page
    assert client.get(f"/shops/{shop.slug}").status_code == 404
    assert_problem(client.get(f"/api/v1/shops/{shop.slug}"), 404)
    assert client.get(f"/api/v1/shops/{shop.slug}", headers=token_for(client, owner)).status_code == 200


# --- PATCH is partial ------------------------------------------------------------------

def test_api_patch_shop_with_only_the_changed_field(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    response = client.patch(f"/api/v1/shops/{shop.slug}", json={"description": "Tôm đất phơi nắng"},
                            headers=token_for(client, owner))
    assert response.status_code == 200, response.json
    assert shop_row(app, shop.id)["description"] == "Tôm đất phơi nắng"


def test_api_owner_patch_with_full_body_changes_the_shop(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    response = client.patch(f"/api/v1/shops/{shop.slug}", headers=token_for(client, owner),
                            json=shop_json(name="Tôm khô Năm Căn", description="Tôm đất phơi nắng"))
    assert response.status_code == 200, response.json
    row = shop_row(app, shop.id)
    assert (row["name"], row["description"], row["slug"]) == ("Tôm khô Năm Căn", "Tôm đất phơi nắng", shop.slug)


def test_a_shop_may_give_a_landline_as_its_phone(client, factory):
    owner = factory.user()
    shop = factory.shop(owner, phone="0290 3831 234")
    assert client.get(f"/api/v1/shops/{shop.slug}").json["phone"] == "+842903831234"
