"""Accounts through the web pages, the JSON API and the command line: who can get in, and who cannot."""

import pytest
from limits import parse_many
from sqlalchemy import select

from marketplace.accounts import services
from marketplace.accounts.models import ApiToken, User
from marketplace.errors import Conflict, DomainError
from marketplace.extensions import db
from tests.conftest import PASSWORD, login, table_count, token_for

CANONICAL = "+84912345678"
SPELLINGS = ["0912 345 678", "+84912345678", "84912345678", "0912.345.678"]
BAD_PHONES = ["12345", "0212345678", "0000 000 000", "091234567890123", "abc-def-ghij", "09l2 345 678",
              "+1 415 555 0100"]
NEW_PASSWORD = "matkhaumoi456"
WRONG = "sai"


def register_web(client, login_value, password=PASSWORD, name="Trần Thị Hoa"):
    return client.post("/account/register", data={"name": name, "login": login_value, "password": password})


def register_api(client, **body):
    return client.post("/api/v1/auth/register", json={"name": "Lê Văn Tám", "password": PASSWORD, **body})


def web_login(client, login_value, password=PASSWORD, **extra):
    return client.post("/account/login", data={"login": login_value, "password": password, **extra})


def signed_in(client) -> bool:
    """The seller dashboard needs a session: 200 when signed in, a redirect to the login page otherwise."""
    response = client.get("/seller/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def users(app) -> list[User]:
    with app.app_context():
        found = db.session.scalars(select(User).order_by(User.id)).all()
        db.session.expunge_all()
        return found


def smallest_login_limit(app) -> int:
    return min(item.amount for item in parse_many(app.config["LOGIN_RATE_LIMIT"]))


# --- registration ------------------------------------------------------------------------

@pytest.mark.parametrize("first", SPELLINGS)
def test_web_registration_stores_the_mobile_in_one_canonical_form(app, client, first):
    response = register_web(client, first)

    assert response.status_code == 302, response.get_data(as_text=True)
    assert [u.phone for u in users(app)] == [CANONICAL]
    assert signed_in(client), "a new account is signed in at once"


@pytest.mark.parametrize("first", SPELLINGS)
@pytest.mark.parametrize("second", SPELLINGS)
def test_api_registration_with_any_spelling_twice_is_a_409_and_stores_nothing_new(app, client, first, second):
    created = register_api(client, phone=first)
    assert created.status_code == 201, created.json
    assert created.json["token"] and created.json["token_type"] == "Bearer"
    assert created.json["user"]["phone"] == CANONICAL
    assert created.json["user"]["is_admin"] is False
    assert "password" not in created.json["user"]

    again = register_api(client, phone=second, name="Người khác")

    assert again.status_code == 409
    assert again.headers["Content-Type"].startswith("application/problem+json")
    assert again.json["status"] == 409
    assert again.json["errors"] == {"phone": ["Số điện thoại này đã có tài khoản. Hãy đăng nhập."]}
    assert "token" not in again.json
    assert [u.name for u in users(app)] == ["Lê Văn Tám"]
    assert table_count(app, ApiToken) == 1


@pytest.mark.parametrize("second", SPELLINGS)
def test_web_registration_of_a_taken_number_is_a_vietnamese_422(app, second):
    assert register_api(app.test_client(), phone="0912345678").status_code == 201
    client = app.test_client()

    again = register_web(client, second, name="Kẻ trùng số")

    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "Số điện thoại này đã có tài khoản. Hãy đăng nhập." in page
    assert 'value="Kẻ trùng số"' in page, "what the user typed is kept in the form"
    assert len(users(app)) == 1
    assert not signed_in(client)


@pytest.mark.parametrize("bad", BAD_PHONES)
def test_an_invalid_phone_is_refused_everywhere_and_nothing_is_stored(app, client, bad):
    api = register_api(client, phone=bad)
    web = register_web(client, bad)

    assert api.status_code == 422
    assert api.mimetype == "application/problem+json"
    assert api.json["errors"]["phone"] == ["Số điện thoại không hợp lệ."]
    assert "token" not in api.json
    assert web.status_code == 422
    assert "Số điện thoại không hợp lệ." in web.get_data(as_text=True)
    assert users(app) == []
    assert not signed_in(client)


def test_a_landline_cannot_open_an_account(app, client):
    response = register_api(client, phone="028 3829 1234")  # a Hồ Chí Minh City landline

    assert response.status_code == 422
    assert response.json["errors"]["phone"] == ["Cần số điện thoại di động."]
    assert users(app) == []


def test_email_registration_lowercases_and_a_duplicate_in_any_case_is_refused(app, client):
    created = register_web(client, "  Hoa.Tran@Example.VN ")
    assert created.status_code == 302
    assert [u.email for u in users(app)] == ["hoa.tran@example.vn"]
    assert [u.phone for u in users(app)] == [None]

    api = register_api(app.test_client(), email="HOA.TRAN@example.vn")
    web = register_web(app.test_client(), "hoa.tran@EXAMPLE.vn")

    assert api.status_code == 409 and api.mimetype == "application/problem+json"
    assert api.json["errors"] == {"email": ["Email này đã có tài khoản. Hãy đăng nhập."]}
    assert web.status_code == 422
    assert "Email này đã có tài khoản. Hãy đăng nhập." in web.get_data(as_text=True)
    assert len(users(app)) == 1


@pytest.mark.parametrize("bad", ["hoa@", "@example.vn", "hoa@example", "hoa tran@example.vn"])
def test_a_malformed_email_is_refused(app, client, bad):
    response = register_api(client, email=bad)

    assert response.status_code == 422
    assert response.json["errors"]["email"] == ["Địa chỉ email không hợp lệ."]
    assert users(app) == []


def test_api_registration_with_a_taken_email_but_a_new_phone_stores_nothing(app, client, factory):
    factory.user(email="hoa@example.vn")

    response = register_api(client, phone="0987654321", email="Hoa@Example.vn")

    assert response.status_code == 409
    assert [u.email for u in users(app)] == ["hoa@example.vn"]
    assert table_count(app, ApiToken) == 0


@pytest.mark.parametrize("password", ["", "1234567", "ngắn"])
def test_a_short_password_is_refused_on_the_api_and_the_web(app, client, password):
    api = register_api(client, phone="0912345678", password=password)
    web = register_web(client, "0912345678", password=password)

    assert api.status_code == 422
    assert "password" in api.json["errors"]
    assert web.status_code == 422
    assert users(app) == []


def test_the_api_tells_which_rule_a_short_password_breaks(client):
    response = register_api(client, phone="0912345678", password="1234567")
    assert response.json["errors"]["password"] == ["Mật khẩu cần ít nhất 8 ký tự."]


def test_eight_characters_are_enough_and_two_hundred_one_are_too_many(app, client):
    assert register_api(client, phone="0912345678", password="12345678").status_code == 201
    too_long = register_api(client, phone="0987654321", password="x" * 201)
    assert too_long.status_code == 422
    assert too_long.json["errors"]["password"] == ["Mật khẩu quá dài."]
    assert len(users(app)) == 1


def test_api_registration_needs_a_phone_or_an_email_and_a_name(app, client):
    neither = register_api(client)
    blank_name = register_api(client, phone="0912345678", name="   ")
    missing = client.post("/api/v1/auth/register", json={"phone": "0912345678"})

    assert neither.status_code == 422 and neither.json["errors"]["phone"] == ["Nhập số điện thoại hoặc email."]
    assert blank_name.status_code == 422 and "name" in blank_name.json["errors"]
    assert missing.status_code == 422
    assert set(missing.json["errors"]) >= {"name", "password"}
    assert users(app) == []


def test_a_blank_phone_beside_an_email_means_no_phone(app, client):
    """The document allows blanks for "no phone" (its pattern), so the service reads them so."""
    response = register_api(client, phone="\u202f\r ", email="an@example.vn")
    assert response.status_code == 201, response.json
    [user] = users(app)
    assert user.phone is None and user.email == "an@example.vn"
    both_blank = register_api(client, phone=" ", email="\t")
    assert both_blank.status_code == 422 and both_blank.json["errors"]["phone"] == ["Nhập số điện thoại hoặc email."]


def test_passwords_are_stored_hashed(app, client):
    register_api(client, phone="0912345678")
    [user] = users(app)
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_a_signed_in_user_visiting_register_is_sent_away_and_nothing_is_stored(app, client, factory):
    user = factory.user()
    login(client, user)

    response = register_web(client, "0987654321")

    assert response.status_code == 302
    assert len(users(app)) == 1


def test_the_service_refuses_a_duplicate_with_a_conflict(app, factory):
    factory.user(phone="0912345678")
    with app.app_context():
        with pytest.raises(Conflict) as caught:
            services.register_user(name="Ai đó", password=PASSWORD, phone="+84 912 345 678")
        assert caught.value.status == 409
        db.session.rollback()
    assert len(users(app)) == 1


# --- login and logout -------------------------------------------------------------------

@pytest.mark.parametrize("spelling", [*SPELLINGS, "+84 91 234 5678", " 0912345678 "])
def test_any_spelling_of_the_phone_logs_in(app, factory, spelling):
    factory.user(phone="0912345678")
    client = app.test_client()

    response = web_login(client, spelling)

    assert response.status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize("spelling", ["hoa@example.vn", "HOA@Example.VN", "  hoa@example.vn  "])
def test_the_email_logs_in_in_any_case(app, factory, spelling):
    factory.user(email="hoa@example.vn")
    client = app.test_client()

    assert web_login(client, spelling).status_code == 302
    assert signed_in(client)


def test_an_account_with_both_can_log_in_with_either(app, factory):
    factory.user(phone="0912345678", email="hoa@example.vn")
    for value in ("0912 345 678", "hoa@example.vn"):
        client = app.test_client()
        assert web_login(client, value).status_code == 302
        assert signed_in(client)


@pytest.mark.parametrize(("login_value", "password"), [
    ("0912345678", "sai-mat-khau"),
    ("0912345678", PASSWORD.upper()),
    ("0987654321", PASSWORD),  # nobody has this number
    ("12345", PASSWORD),  # not a number at all
    ("khong-co@example.vn", PASSWORD),
])
def test_a_wrong_login_shows_one_error_and_opens_no_session(app, factory, login_value, password):
    factory.user(phone="0912345678")
    client = app.test_client()

    response = web_login(client, login_value, password)

    assert response.status_code == 422
    assert "Sai số điện thoại/email hoặc mật khẩu." in response.get_data(as_text=True)
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
    assert not signed_in(client)


def test_an_empty_login_form_is_a_422(client):
    response = client.post("/account/login", data={})
    assert response.status_code == 422
    assert "Vui lòng điền mục này." in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_deactivated_account_cannot_log_in_and_its_tokens_stop(app, client, factory):
    user = factory.user()
    headers = token_for(client, user)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()

    assert web_login(client, user.login).status_code == 422
    assert client.post("/api/v1/auth/token", json={"login": user.login, "password": PASSWORD}).status_code == 401
    assert client.get("/api/v1/me", headers=headers).status_code == 401


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_login_never_redirects_off_site(app, factory, target):
    user = factory.user()
    response = app.test_client().post("/account/login", query_string={"next": target},
                                      data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 302
    assert "evil" not in response.location and "javascript" not in response.location


def test_login_follows_a_next_path_on_this_site(app, factory):
    user = factory.user()
    response = app.test_client().post("/account/login", query_string={"next": "/account/password"},
                                      data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location.endswith("/account/password")


def test_logout_is_post_only(app, client, factory):
    user = factory.user()
    login(client, user)

    assert client.get("/account/logout").status_code == 405
    assert signed_in(client), "a GET (a link or an <img>) cannot sign anyone out"

    response = client.post("/account/logout")
    assert response.status_code == 302
    assert not signed_in(client)


def test_logout_also_forgets_the_remember_me_cookie(app, factory):
    user = factory.user()
    client = app.test_client()
    assert web_login(client, user.login, remember="y").status_code == 302
    assert client.get_cookie("remember_token") is not None

    client.post("/account/logout")

    assert client.get_cookie("remember_token") is None
    assert not signed_in(client)


# --- rate limiting ----------------------------------------------------------------------

def test_repeated_wrong_logins_end_in_429_even_with_the_right_password(app, factory):
    user = factory.user(phone="0912345678")
    limit = smallest_login_limit(app)
    client = app.test_client()

    answers = [web_login(client, "0912 345 678", f"sai-{i}").status_code for i in range(limit)]
    blocked = web_login(client, user.login)

    assert answers == [422] * limit
    assert blocked.status_code == 429
    assert "Bạn thử quá nhiều lần" in blocked.get_data(as_text=True)
    assert not signed_in(client)


def test_the_limit_follows_the_account_across_addresses(app, factory):
    factory.user(phone="0912345678")
    limit = smallest_login_limit(app)

    answers = [app.test_client().post("/account/login", data={"login": "0912345678", "password": "sai"},
                                      environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"}).status_code
               for i in range(limit + 1)]

    assert answers[:limit] == [422] * limit
    assert answers[limit] == 429


def test_the_limit_follows_the_address_across_accounts(app):
    limit = smallest_login_limit(app)
    client = app.test_client()

    answers = [web_login(client, f"09{i:08d}", "sai").status_code for i in range(limit + 1)]

    assert answers[:limit] == [422] * limit
    assert answers[limit] == 429


def test_someone_else_from_elsewhere_is_not_blocked(app, factory):
    other = factory.user(phone="0987654321")
    limit = smallest_login_limit(app)
    attacker = app.test_client()
    for _ in range(limit + 1):
        web_login(attacker, "0912345678", "sai")

    response = app.test_client().post("/account/login", data={"login": other.login, "password": PASSWORD},
                                      environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 302


def test_viewing_the_login_page_is_not_counted(app, client):
    limit = smallest_login_limit(app)
    assert all(client.get("/account/login").status_code == 200 for _ in range(limit + 2))
    assert web_login(client, "0912345678", "sai").status_code == 422


def test_the_token_endpoint_answers_429_as_problem_json(app, client, factory):
    factory.user(phone="0912345678")
    limit = smallest_login_limit(app)
    answers = [client.post("/api/v1/auth/token", json={"login": "0912345678", "password": "sai"}).status_code
               for _ in range(limit)]
    blocked = client.post("/api/v1/auth/token", json={"login": "0912345678", "password": PASSWORD})

    assert answers == [401] * limit
    assert blocked.status_code == 429
    assert blocked.mimetype == "application/problem+json"
    assert "token" not in blocked.json


def attempt(app, login_value, address, via="web", password=WRONG):
    """One try from a browser or the app at `address`, each from a new client as from another machine."""
    client = app.test_client()
    environ = {"REMOTE_ADDR": address}
    if via == "web":
        return client.post("/account/login", data={"login": login_value, "password": password}, environ_base=environ)
    return client.post("/api/v1/auth/token", json={"login": login_value, "password": password}, environ_base=environ)


PHONE_SPELLINGS = ["0912 000 556", "+84912000556", "84 912 000 556"]
EMAIL_SPELLINGS = ["Hoa@Example.vn", " hoa@example.vn", "HOA@EXAMPLE.VN "]


@pytest.mark.parametrize("via", ["web", "api"])
@pytest.mark.parametrize("spellings", [PHONE_SPELLINGS, EMAIL_SPELLINGS], ids=["phone", "email"])
def test_writing_the_login_another_way_from_three_addresses_is_still_one_account(app, factory, spellings, via):
    factory.user(**({"phone": "0912000556"} if spellings is PHONE_SPELLINGS else {"email": "hoa@example.vn"}))
    limit = smallest_login_limit(app)

    answers = [attempt(app, spellings[i % 3], f"10.0.3.{i % 3 + 1}", via).status_code for i in range(limit + 1)]

    assert answers[:limit] == [422 if via == "web" else 401] * limit
    assert answers[limit] == 429, "each address made at most a third of the tries: the account's limit held"


def test_wrong_passwords_for_one_account_through_the_api_from_three_addresses_end_in_429(app, factory):
    factory.user(phone="0912000556")
    limit = smallest_login_limit(app)

    answers = [attempt(app, "0912000556", f"10.0.4.{i % 3 + 1}", "api").status_code for i in range(limit)]
    blocked = attempt(app, "0912000556", "10.0.4.9", "api", password=PASSWORD)

    assert answers == [401] * limit
    assert blocked.status_code == 429 and blocked.mimetype == "application/problem+json"
    assert "token" not in blocked.json
    assert table_count(app, ApiToken) == 0


def test_the_web_login_and_the_api_share_the_account_limit(app, factory):
    factory.user(phone="0912000556")
    limit = smallest_login_limit(app)

    answers = [attempt(app, "0912000556", f"10.0.5.{i + 1}", "web" if i % 2 else "api").status_code
               for i in range(limit)]

    assert answers == [401, 422] * (limit // 2) + [401] * (limit % 2)
    assert attempt(app, "0912000556", "10.0.5.99", "web").status_code == 429
    assert attempt(app, "0912000556", "10.0.5.98", "api").status_code == 429


def test_the_login_identity_is_the_normalised_login():
    assert {services.login_identity(s) for s in PHONE_SPELLINGS} == {"+84912000556"}
    assert {services.login_identity(s) for s in EMAIL_SPELLINGS} == {"hoa@example.vn"}
    assert services.login_identity("  Không Phải Số ") == "không phải số"
    assert services.login_identity("") == ""


# --- changing the password --------------------------------------------------------------

def change(client, current, new, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm": new if confirm is None else confirm})


def test_the_password_page_needs_a_session(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert "/account/login" in response.location
    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_changes_nothing(app, client, factory):
    user = factory.user()
    headers = token_for(client, user)
    login(client, user)

    response = change(client, "khong-dung-dau", NEW_PASSWORD)

    assert response.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert web_login(app.test_client(), user.login, PASSWORD).status_code == 302
    assert web_login(app.test_client(), user.login, NEW_PASSWORD).status_code == 422


@pytest.mark.parametrize(("new", "confirm", "message"), [
    ("ngan", None, "Mật khẩu cần ít nhất 8 ký tự."),
    (NEW_PASSWORD, "matkhaukhac789", "Hai mật khẩu không khớp."),
])
def test_a_bad_new_password_changes_nothing(app, client, factory, new, confirm, message):
    user = factory.user()
    headers = token_for(client, user)
    login(client, user)

    response = change(client, PASSWORD, new, confirm)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert web_login(app.test_client(), user.login, PASSWORD).status_code == 302


def test_after_a_change_old_tokens_die_and_only_the_new_password_works(app, client, factory):
    user = factory.user()
    phone_app = token_for(app.test_client(), user)
    tablet_app = token_for(app.test_client(), user)
    login(client, user)

    response = change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    for headers in (phone_app, tablet_app):
        me = client.get("/api/v1/me", headers=headers)
        assert me.status_code == 401
        assert me.mimetype == "application/problem+json"
    assert table_count(app, ApiToken) == 0
    assert signed_in(client), "the browser that made the change stays signed in"
    assert web_login(app.test_client(), user.login, PASSWORD).status_code == 422
    assert web_login(app.test_client(), user.login, NEW_PASSWORD).status_code == 302
    assert client.post("/api/v1/auth/token", json={"login": user.login, "password": NEW_PASSWORD}).status_code == 200


def test_a_change_leaves_other_users_tokens_alone(app, client, factory):
    user = factory.user()
    neighbour = factory.user()
    neighbours_token = token_for(client, neighbour)
    login(client, user)

    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 302
    assert client.get("/api/v1/me", headers=neighbours_token).json["id"] == neighbour.id


def test_a_change_signs_out_the_other_browsers(app, factory):
    user = factory.user()
    stolen = app.test_client()
    assert web_login(stolen, user.login, remember="y").status_code == 302
    owner = app.test_client()
    login(owner, user)

    assert change(owner, PASSWORD, NEW_PASSWORD).status_code == 302

    assert not signed_in(stolen), "whoever knew the old password is still inside"


# --- API tokens -------------------------------------------------------------------------

@pytest.mark.parametrize("login_value", ["0912 345 678", "+84912345678", "hoa@example.vn", "HOA@EXAMPLE.VN"])
def test_a_token_for_any_login_spelling(app, client, factory, login_value):
    user = factory.user(phone="0912345678", email="hoa@example.vn")

    response = client.post("/api/v1/auth/token", json={"login": login_value, "password": PASSWORD})

    assert response.status_code == 200
    assert isinstance(response.json["token"], str) and len(response.json["token"]) >= 32
    assert response.json["user"]["id"] == user.id
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {response.json['token']}"})
    assert me.status_code == 200
    assert me.json["phone"] == CANONICAL and me.json["email"] == "hoa@example.vn"
    assert me.json["phone_display"] == "0912 345 678"


@pytest.mark.parametrize("body", [
    {"login": "0912345678", "password": "sai-mat-khau"},
    {"login": "0987654321", "password": PASSWORD},
    {"login": "", "password": PASSWORD},
])
def test_a_wrong_login_on_the_api_is_a_401_problem(app, client, factory, body):
    factory.user(phone="0912345678")

    response = client.post("/api/v1/auth/token", json=body)

    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json["status"] == 401
    assert response.json["detail"] == "Sai số điện thoại/email hoặc mật khẩu."
    assert "token" not in response.json
    assert table_count(app, ApiToken) == 0


def test_a_token_request_without_fields_is_a_422(client):
    response = client.post("/api/v1/auth/token", json={})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"login", "password"}


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic abc", "Bearer not-a-real-token",
                                    "Token x"])
def test_me_without_a_valid_token_is_401(client, factory, header):
    token_for(client, factory.user())  # a real token exists, but is not the one sent
    headers = {"Authorization": header} if header is not None else {}

    response = client.get("/api/v1/me", headers=headers)

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_me_ignores_the_browser_session(client, factory):
    user = factory.user()
    login(client, user)
    assert client.get("/api/v1/me").status_code == 401


def test_me_with_a_token(client, factory):
    user = factory.user(name="Phạm Thị Lan", phone="0912345678")
    headers = token_for(client, user)

    me = client.get("/api/v1/me", headers=headers)

    assert me.status_code == 200
    assert me.json["id"] == user.id and me.json["name"] == "Phạm Thị Lan"
    assert me.json["is_admin"] is False and me.json["shops"] == []
    assert "password_hash" not in me.json
    lowercase = client.get("/api/v1/me", headers={"Authorization": headers["Authorization"].replace("Bearer",
                                                                                                      "bearer")})
    assert lowercase.status_code == 200


def test_deleting_the_token_revokes_only_that_token(app, client, factory):
    user = factory.user()
    phone_app = token_for(client, user)
    tablet_app = token_for(client, user)

    assert client.delete("/api/v1/auth/token", headers=phone_app).status_code == 204

    assert client.get("/api/v1/me", headers=phone_app).status_code == 401
    assert client.get("/api/v1/me", headers=tablet_app).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=phone_app).status_code == 401
    assert table_count(app, ApiToken) == 1


def test_deleting_without_a_token_is_401_and_revokes_nothing(app, client, factory):
    headers = token_for(client, factory.user())
    assert client.delete("/api/v1/auth/token").status_code == 401
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_an_expired_token_is_refused(app, client, factory):
    from datetime import timedelta

    from marketplace.utils import utcnow

    headers = token_for(client, factory.user())
    with app.app_context():
        db.session.scalar(select(ApiToken)).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_tokens_are_stored_only_as_hashes(app, client, factory):
    headers = token_for(client, factory.user())
    token = headers["Authorization"].split()[1]
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert stored.token_hash != token and token not in stored.token_hash
        assert services.user_for_token(token) is not None
        assert services.user_for_token(stored.token_hash) is None


# --- the create-admin command -----------------------------------------------------------

def invoke_create_admin(app, *args):
    return app.test_cli_runner().invoke(args=["create-admin", *args])


def test_create_admin_makes_a_new_admin_who_can_log_in(app):
    result = invoke_create_admin(app, "--login", "0909 111 222", "--password", "quantri12345", "--name", "Chị Ba")

    assert result.exit_code == 0, result.output
    assert "Admin ready: +84909111222" in result.output
    [admin] = users(app)
    assert admin.is_admin and admin.phone == "+84909111222" and admin.name == "Chị Ba"
    client = app.test_client()
    assert web_login(client, "0909111222", "quantri12345").status_code == 302
    assert client.post("/api/v1/auth/token", json={"login": "+84909111222", "password": "quantri12345"}).json[
        "user"]["is_admin"] is True


def test_create_admin_with_an_email(app):
    result = invoke_create_admin(app, "--login", "CanBo@CaMau.gov.vn", "--password", "quantri12345")

    assert result.exit_code == 0, result.output
    [admin] = users(app)
    assert admin.is_admin and admin.email == "canbo@camau.gov.vn"


def test_create_admin_promotes_an_existing_user_written_another_way(app, factory):
    existing = factory.user(name="Nguyễn Văn An", phone="0912345678")
    bystander = factory.user()

    result = invoke_create_admin(app, "--login", "+84 912 345 678", "--password", "quantri12345")

    assert result.exit_code == 0, result.output
    found = {u.id: u for u in users(app)}
    assert len(found) == 2, "no second account for the same number"
    assert found[existing.id].is_admin and found[existing.id].name == "Nguyễn Văn An"
    assert not found[bystander.id].is_admin
    assert web_login(app.test_client(), "0912345678", "quantri12345").status_code == 302


@pytest.mark.parametrize(("args", "message"), [
    (["--login", "12345", "--password", "quantri12345"], "Số điện thoại không hợp lệ."),
    (["--login", "0212345678", "--password", "quantri12345"], "Số điện thoại không hợp lệ."),
    (["--login", "0909333444", "--password", "ngan"], "Mật khẩu cần ít nhất 8 ký tự."),
    (["--login", "khong-phai@email", "--password", "quantri12345"], "Địa chỉ email không hợp lệ."),
])
def test_create_admin_refuses_bad_input_and_creates_nothing(app, args, message):
    result = invoke_create_admin(app, *args)

    assert result.exit_code != 0
    assert message in result.output
    assert users(app) == []


def test_create_admin_keeps_an_existing_user_untouched_when_the_password_is_short(app, factory):
    user = factory.user(phone="0912345678")

    result = invoke_create_admin(app, "--login", "0912345678", "--password", "ngan")

    assert result.exit_code != 0
    assert "Mật khẩu cần ít nhất 8 ký tự." in result.output
    [stored] = users(app)
    assert not stored.is_admin
    assert web_login(app.test_client(), user.login, PASSWORD).status_code == 302


def test_create_admin_needs_both_options(app):
    result = invoke_create_admin(app, "--login", "0909111222")
    assert result.exit_code != 0
    assert "--password" in result.output
    assert users(app) == []


def test_normalize_phone_service(ctx):
    assert {services.normalize_phone(s) for s in SPELLINGS} == {CANONICAL}
    assert services.normalize_phone("028 3829 1234", mobile=False) == "+842838291234"
    with pytest.raises(DomainError) as caught:
        services.normalize_phone("12345")
    assert caught.value.field == "phone"
