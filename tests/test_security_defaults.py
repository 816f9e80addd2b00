"""Defaults an attacker probes first: CSRF, headers, cookies, secrets and request size."""

import os
import subprocess
import sys

import pytest

from marketplace.accounts.models import User
from tests.conftest import PASSWORD, ROOT, make_test_app, table_count


@pytest.fixture
def csrf_app(app):
    """Tests switch CSRF off for brevity; here it is on, as in every real deployment."""
    return make_test_app(WTF_CSRF_ENABLED=True)


def test_forms_without_a_csrf_token_are_refused_and_change_nothing(app, csrf_app, factory):
    user = factory.user()
    client = csrf_app.test_client()

    register = client.post("/account/register", data={"name": "Kẻ gian", "login": "0987000111",
                                                      "password": PASSWORD})
    login = client.post("/account/login", data={"login": user.login, "password": PASSWORD})

    assert register.status_code == 400 and login.status_code == 400
    assert table_count(app, User) == 1
    assert client.get("/seller/").status_code == 302, "no session was opened"


def test_the_same_form_with_its_token_works(app, csrf_app, factory):
    user = factory.user()
    client = csrf_app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    response = client.post("/account/login", data={"login": user.login, "password": PASSWORD, "csrf_token": token})

    assert response.status_code == 302


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_is_httponly_and_samesite(client, factory):
    user = factory.user()
    response = client.post("/account/login", data={"login": user.login, "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session, remember):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_body_over_the_request_limit_gets_413(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/api/v1/auth/token", data=b"x" * (limit + 1), content_type="application/json")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def _boot(extra_env: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "APP_ENV", "TEST_DATABASE_URL")}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'boot.db'}", "DATA_DIR": str(tmp_path), **extra_env})
    code = ("from wsgi import app; print(app.config['SESSION_COOKIE_SECURE'], app.config['REMEMBER_COOKIE_SECURE'])")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    refused = _boot({"APP_ENV": "production"}, tmp_path)
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr

    started = _boot({"APP_ENV": "production", "SECRET_KEY": "x" * 64}, tmp_path)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["True", "True"], "production cookies are Secure"
