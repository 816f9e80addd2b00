"""An installation started without SECRET_KEY signs with a key of its own, never with a published one."""

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from marketplace.secret_key import load_or_create
from tests.conftest import make_test_app
from tests.shopping import make_admin

# What config.py used to fall back on: anyone who read the repository could sign sessions with it.
PUBLISHED_DEV_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105


def _forgot_app_env(key_file, **overrides):
    """What `gunicorn wsgi:app` builds when APP_ENV and SECRET_KEY were both forgotten."""
    return make_test_app(ENV_NAME="development", SECRET_KEY=None, SECRET_KEY_FILE=str(key_file), **overrides)


def _session_cookie(secret_key: str, payload: dict) -> str:
    signer = Flask("forger")
    signer.secret_key = secret_key
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(payload)


def test_each_installation_draws_its_own_key_and_keeps_it(app, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        first = _forgot_app_env(tmp_path / "one" / "secret_key")
    assert "SECRET_KEY is not set" in caplog.text and str(tmp_path / "one") in caplog.text
    other = _forgot_app_env(tmp_path / "two" / "secret_key")
    restarted = _forgot_app_env(tmp_path / "one" / "secret_key")

    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] != other.config["SECRET_KEY"]
    assert first.config["SECRET_KEY"] != PUBLISHED_DEV_KEY
    assert restarted.config["SECRET_KEY"] == first.config["SECRET_KEY"], "sessions survive a restart"
    assert (tmp_path / "one" / "secret_key").stat().st_mode & 0o077 == 0, "only the app's user reads it"
    # The sandbox wallet's VNPay secret is derived from the key, so it is not guessable either.
    assert first.config["VNPAY_HASH_SECRET"] != other.config["VNPAY_HASH_SECRET"]


def test_a_session_signed_with_the_published_key_opens_nothing(app, factory, tmp_path):
    admin = factory.user(phone="0912000917")
    make_admin(app, admin)
    installed = _forgot_app_env(tmp_path / "secret_key")
    forged = _session_cookie(PUBLISHED_DEV_KEY, {"_user_id": f"{admin.id}:0", "_fresh": True})
    genuine = _session_cookie(installed.config["SECRET_KEY"], {"_user_id": f"{admin.id}:0", "_fresh": True})

    client = installed.test_client()
    client.set_cookie("session", forged)
    refused = client.get("/admin/")
    assert refused.status_code == 302 and "/account/login" in refused.headers["Location"]

    client.set_cookie("session", genuine)  # the same cookie signed with the installation's key does open it
    assert client.get("/admin/").status_code == 200


def test_workers_starting_together_agree_on_one_key(tmp_path):
    path = tmp_path / "instance" / "secret_key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _n: load_or_create(path), range(16)))
    assert len(keys) == 1
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"], "no temporary file left behind"


def test_an_empty_key_file_is_refused_not_used(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("\n")
    with pytest.raises(RuntimeError, match="no usable secret key"):
        load_or_create(path)


def test_production_still_insists_on_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        make_test_app(ENV_NAME="production", SECRET_KEY=None, SECRET_KEY_FILE=str(tmp_path / "secret_key"))
    assert not (tmp_path / "secret_key").exists()
