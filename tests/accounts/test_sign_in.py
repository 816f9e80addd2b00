"""Registering, logging in and out, passwords and API tokens, as buyers and sellers use them."""

import pytest
from sqlalchemy import select

from marketplace.accounts.models import ApiToken, User
from marketplace.extensions import db
from tests.conftest import PASSWORD, table_count, token_for

SPELLINGS = ["0912 345 678", "+84912345678", "84912345678", "0912.345.678", "+84 91 234 5678", "(091) 234-5678"]


def register_web(client, login, password=PASSWORD, name="Trần Thị Hoa"):
    return client.post("/account/register", data={"name": name, "login": login, "password": password})


def register_api(client, **body):
    return client.post("/api/v1/auth/register", json={"name": "Trần Thị Hoa", "password": PASSWORD, **body})


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_common_spelling_of_a_mobile_number_is_the_same_account(app, client, spelling):
    first = register_api(client, phone="0912345678")
    assert first.status_code == 201, first.json
    assert first.json["user"]["phone"] == "+84912345678"
    assert first.json["user"]["phone_display"] == "0912 345 678"

    again = register_api(client, phone=spelling)
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert "đã có tài khoản" in again.json["detail"]
    assert table_count(app, User) == 1

    on_the_web = register_web(app.test_client(), spelling)
    assert on_the_web.status_code == 422
    assert "Số điện thoại này đã có tài khoản" in on_the_web.get_data(as_text=True)
    assert table_count(app, User) == 1

    logged_in = app.test_client().post("/account/login", data={"login": spelling, "password": PASSWORD})
    assert logged_in.status_code == 302


@pytest.mark.parametrize("bad", ["12345", "0212345678", "09123456789012", "không có số", "+1 415 555 0100"])
def test_a_number_that_is_not_a_vietnamese_mobile_is_refused(app, client, bad):
    api = register_api(client, phone=bad)
    web = register_web(client, bad)

    assert api.status_code == 422
    assert api.json["errors"]["phone"] == ["Số điện thoại không hợp lệ."]
    assert web.status_code == 422
    assert "Số điện thoại không hợp lệ." in web.get_data(as_text=True)
    assert table_count(app, User) == 0


def test_registering_with_an_email_ignores_its_case(app, client):
    assert register_api(client, email="Hoa.Tran@Example.vn").status_code == 201
    duplicate = register_web(client, "hoa.tran@example.VN")
    assert duplicate.status_code == 422
    assert "Email này đã có tài khoản" in duplicate.get_data(as_text=True)
    assert table_count(app, User) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"phone": "0912345678", "password": "ngan"}, "password"),
    ({"phone": "0912345678", "name": "   "}, "name"),
    ({"email": "không-phải-email"}, "email"),
    ({}, "phone"),
])
def test_bad_registrations_say_what_is_wrong_and_store_nothing(app, client, body, field):
    response = register_api(client, **body)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert table_count(app, User) == 0


def test_web_registration_logs_the_new_user_in_with_a_hashed_password(app, client):
    response = register_web(client, "0987 654 321")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.phone == "+84987654321"
        assert PASSWORD not in user.password_hash and user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert client.get("/seller/").status_code == 200


def test_wrong_password_shows_an_error_and_gives_no_session(app, client, factory):
    user = factory.user(phone="0912345678")
    response = client.post("/account/login", data={"login": "0912 345 678", "password": "sai-mat-khau"})
    assert response.status_code == 422
    assert "Sai số điện thoại/email hoặc mật khẩu." in response.get_data(as_text=True)
    assert client.get("/seller/").status_code == 302, "still anonymous"
    assert client.post("/account/login", data={"login": user.login, "password": PASSWORD}).status_code == 302


def test_login_is_rate_limited_per_account_and_per_address(app, factory):
    factory.user(phone="0912345678")
    client = app.test_client()
    answers = [client.post("/account/login", data={"login": "0912345678", "password": f"sai-{i}"}).status_code
               for i in range(12)]
    assert answers[:10] == [422] * 10
    assert answers[10:] == [429, 429]
    # Even the right password waits now: the attacker cannot tell.
    blocked = client.post("/account/login", data={"login": "0912345678", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Bạn thử quá nhiều lần" in blocked.get_data(as_text=True)


def test_token_endpoint_is_rate_limited_too(app, client, factory):
    factory.user(phone="0912345678")
    answers = [client.post("/api/v1/auth/token", json={"login": "0912345678", "password": "sai"}).status_code
               for _ in range(11)]
    assert answers[:10] == [401] * 10
    assert answers[10] == 429


def test_logout_needs_a_post(app, client, factory):
    user = factory.user()
    client.post("/account/login", data={"login": user.login, "password": PASSWORD})
    assert client.get("/account/logout").status_code == 405
    assert client.get("/seller/").status_code == 200
    assert client.post("/account/logout").status_code == 302
    assert client.get("/seller/").status_code == 302


def test_changing_the_password_revokes_the_apps_tokens(app, client, factory):
    user = factory.user()
    headers = token_for(client, user)
    client.post("/account/login", data={"login": user.login, "password": PASSWORD})

    wrong = client.post("/account/password", data={
        "current_password": "khong-dung", "new_password": "matkhaumoi456", "confirm": "matkhaumoi456"})
    assert wrong.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    changed = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "matkhaumoi456", "confirm": "matkhaumoi456"})
    assert changed.status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    fresh = app.test_client()
    assert fresh.post("/account/login", data={"login": user.login, "password": PASSWORD}).status_code == 422
    assert fresh.post("/account/login", data={"login": user.login, "password": "matkhaumoi456"}).status_code == 302


def test_api_token_life_cycle(app, client, factory):
    user = factory.user(email="hoa@example.vn")

    wrong = client.post("/api/v1/auth/token", json={"login": "hoa@example.vn", "password": "sai"})
    assert wrong.status_code == 401
    assert wrong.mimetype == "application/problem+json"
    assert "token" not in wrong.json

    issued = client.post("/api/v1/auth/token", json={"login": "HOA@example.vn", "password": PASSWORD})
    assert issued.status_code == 200
    token = issued.json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert token not in stored.token_hash, "only a hash of the token is kept"

    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json["id"] == user.id and me.json["email"] == "hoa@example.vn"
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer " + "x" * 40}).status_code == 401

    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_create_admin_from_the_command_line(app, factory):
    runner = app.test_cli_runner()

    made = runner.invoke(args=["create-admin", "--login", "0909 111 222", "--password", "quantri12345"])
    assert made.exit_code == 0, made.output
    assert "Admin ready" in made.output

    existing = factory.user(email="canbo@camau.gov.vn")
    promoted = runner.invoke(args=["create-admin", "--login", "canbo@camau.gov.vn", "--password", "khac-mat-khau"])
    assert promoted.exit_code == 0, promoted.output
    with app.app_context():
        admins = {u.id for u in db.session.scalars(select(User).where(User.is_admin))}
        assert existing.id in admins and len(admins) == 2

    for args in (["--login", "12345", "--password", "quantri12345"], ["--login", "0909333444", "--password", "ngan"]):
        refused = runner.invoke(args=["create-admin", *args])
        assert refused.exit_code != 0
        assert "Error" in refused.output
    assert table_count(app, User) == 2


def test_an_account_needs_a_mobile_but_a_shop_may_give_its_landline(app, client, factory):
    landline = register_api(client, phone="0290 3831 234")
    assert landline.status_code == 422
    assert landline.json["errors"]["phone"] == ["Cần số điện thoại di động."]
    assert table_count(app, User) == 0

    owner = factory.user()
    shop = factory.shop(owner, phone="0290 3831 234")
    assert client.get(f"/api/v1/shops/{shop.slug}").json["phone"] == "+842903831234"
