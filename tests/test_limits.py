"""The rate limits as a deployment meets them: Redis down or silent, Redis shared by several processes,
proxies in front, and what every 429 tells the client.

An app pointed at another limit storage runs in a new process (tests.live.requests_in_a_new_process): the
limiter is a module global, and one pointed at a dead Redis here would stay so for the rest of the run.
"""

import json
import os
import socket
import tempfile
import uuid
from pathlib import Path

import pytest
import redis
from limits import parse_many

from tests.conftest import PASSWORD, make_test_app, token_for
from tests.live import requests_in_a_new_process
from tests.shopping import ADDRESS

REDIS_DOWN = "redis://127.0.0.1:6399"  # nothing listens there
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
FALLBACK_WARNING = "Rate limit storage unreachable - falling back to in-memory storage"

def smallest(app, setting: str) -> int:
    return min(item.amount for item in parse_many(app.config[setting]))


def token_call(login: str, password: str, address: str = "127.0.0.1") -> dict:
    return {"path": "/api/v1/auth/token", "method": "POST", "json": {"login": login, "password": password},
            "environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def order(app, client, factory):
    """A cash-on-delivery order a buyer placed, to be found again by its code and ADDRESS's phone."""
    seller = factory.user(name="Chủ gian hàng", phone="0912000701")
    shop = factory.shop(seller, name="Mật ong U Minh")
    product = factory.product(seller, shop, title="Mật ong rừng")
    buyer = token_for(client, factory.user(name="Người mua", phone="0912000702"))
    client.post("/api/v1/cart/items", json={"variant_id": product.variant_ids[0], "quantity": 1}, headers=buyer)
    placed = client.post("/api/v1/checkout", json={"address": ADDRESS, "payment_method": "cod"}, headers=buyer)
    assert placed.status_code == 201, placed.json
    return {"code": placed.json["orders"][0]["code"], "phone": ADDRESS["phone"]}


# --- Redis unreachable --------------------------------------------------------------------------

def test_with_redis_unreachable_login_token_register_and_lookups_work_and_limits_still_hold(app, factory, order):
    factory.user(phone="0912000556")
    limit = smallest(app, "LOGIN_RATE_LIMIT")
    calls = [
        {"path": "/account/login", "method": "POST", "data": {"login": "0912 000 556", "password": PASSWORD}},
        token_call("0912000556", PASSWORD),
        {"path": "/api/v1/auth/register", "method": "POST",
         "json": {"name": "Người mới", "phone": "0912000558", "password": PASSWORD}},
        {"path": "/api/v1/orders/lookup", "query_string": order},
        {"path": "/orders/find", "method": "POST", "data": order},
        *[token_call("0912000557", "sai", "10.0.7.1") for _ in range(limit + 1)],
    ]

    answers, log = requests_in_a_new_process(app, calls, RATELIMIT_STORAGE_URI=REDIS_DOWN)

    statuses = [answer["status"] for answer in answers]
    assert statuses[:5] == [302, 200, 201, 200, 302]
    assert statuses[5:] == [401] * limit + [429], "the limit holds, counted in the process's memory"
    assert int(answers[-1]["headers"]["Retry-After"]) >= 0
    assert log.count(FALLBACK_WARNING) == 1, "said once for the outage, not once per request"


def test_a_redis_that_never_answers_holds_no_login(app, factory):
    """A Redis host that accepts the connection but never replies (stuck, or a network dropping its packets):
    the limiter gives up after its socket timeout and falls back, instead of holding the login forever."""
    factory.user(phone="0912000556")
    path = Path(tempfile.mkdtemp(prefix="redis-")) / "silent.sock"  # short: socket paths have a length limit
    with socket.socket(socket.AF_UNIX) as silent:
        silent.bind(str(path))
        silent.listen(16)  # connections are queued by the kernel and never accepted or answered

        answers, log = requests_in_a_new_process(
            app, [token_call("0912000556", PASSWORD), {"path": "/readyz"}], timeout=60,
            RATELIMIT_STORAGE_URI=f"redis+unix://{path}")

    assert [answer["status"] for answer in answers] == [200, 503]
    assert log.count(FALLBACK_WARNING) == 1
    path.unlink()
    path.parent.rmdir()


def test_readyz_says_which_dependency_is_down(app):
    answers, _log = requests_in_a_new_process(app, [{"path": "/readyz"}, {"path": "/healthz"}],
                                              RATELIMIT_STORAGE_URI=REDIS_DOWN)

    ready, alive = answers
    assert ready["status"] == 503
    assert json.loads(ready["body"]) == {"status": "unavailable",
                                         "checks": {"database": "ok", "rate_limit_storage": "failed"}}
    assert alive["status"] == 200, "the process itself is alive"


# --- Redis answering ------------------------------------------------------------------------------

@pytest.fixture
def shared_redis():
    """TEST_REDIS_URL (Redis db 1 on this machine by default), with a key prefix of this test's own that is
    cleared afterwards; skipped where no Redis runs."""
    connection = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    yield {"RATELIMIT_STORAGE_URI": TEST_REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    keys = list(connection.scan_iter(match=f"*{prefix}*"))
    assert keys, "the limits were counted in Redis"
    connection.delete(*keys)


def test_with_redis_answering_readyz_is_200_and_processes_share_the_limits(app, factory, shared_redis):
    factory.user(phone="0912000556")
    limit = smallest(app, "LOGIN_RATE_LIMIT")

    first, _log = requests_in_a_new_process(
        app, [{"path": "/readyz"}, *[token_call("0912000556", "sai", f"10.0.8.{i}") for i in range(limit)]],
        **shared_redis)
    second, _log = requests_in_a_new_process(app, [token_call("0912000556", PASSWORD, "10.0.8.99")],
                                             **shared_redis)

    assert first[0]["status"] == 200
    assert json.loads(first[0]["body"]) == {"status": "ok", "checks": {"database": "ok", "rate_limit_storage": "ok"}}
    assert [answer["status"] for answer in first[1:]] == [401] * limit
    assert second[0]["status"] == 429, "another process (another gunicorn worker) sees the same count"


# --- proxies ----------------------------------------------------------------------------------------

def lookup(client, forwarded_for: str, **headers):
    return client.get("/api/v1/orders/lookup", query_string={"code": "CQ-AAAAAA", "phone": ADDRESS["phone"]},
                      headers={"X-Forwarded-For": forwarded_for, **headers})


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app, client):
    limit = smallest(app, "ORDER_LOOKUP_RATE_LIMIT")
    assert app.config["TRUSTED_PROXIES"] == 0, "off unless configured"

    answers = [lookup(client, f"203.0.113.{n}").status_code for n in range(limit + 1)]

    assert answers == [404] * limit + [429], "anyone could send X-Forwarded-For: it does not make a new client"


@pytest.fixture
def proxied(app):
    """The app behind one proxy (nginx) that appends the address it saw to X-Forwarded-For."""
    return make_test_app(TRUSTED_PROXIES=1)


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app, proxied):
    limit = smallest(app, "ORDER_LOOKUP_RATE_LIMIT")
    client = proxied.test_client()  # every request comes from the proxy's own address

    answers = [lookup(client, "203.0.113.1").status_code for _ in range(limit + 1)]
    neighbour = lookup(client, "203.0.113.2")

    assert answers == [404] * limit + [429]
    assert neighbour.status_code == 404, "another client behind the same proxy is not blocked"


def test_behind_a_trusted_proxy_what_the_client_wrote_itself_is_ignored(app, proxied):
    """The client sends its own X-Forwarded-For; the proxy appends the real address. Only that counts."""
    limit = smallest(app, "ORDER_LOOKUP_RATE_LIMIT")
    client = proxied.test_client()

    answers = [lookup(client, f"198.51.100.{n}, 203.0.113.1").status_code for n in range(limit + 1)]

    assert answers == [404] * limit + [429]


def test_behind_a_trusted_proxy_links_take_its_scheme_but_not_a_forwarded_host(app, proxied, factory):
    from tests.traceability.conftest import batch_payload

    owner = factory.user(phone="0912000703")
    product = factory.product(owner, factory.shop(owner))
    client = proxied.test_client()
    headers = {**token_for(client, owner), "X-Forwarded-For": "203.0.113.1", "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "lua-dao.example"}

    created = client.post(f"/api/v1/products/{product.id}/batches", json=batch_payload(), headers=headers)

    assert created.status_code == 201, created.json
    assert created.json["trace_url"].startswith("https://localhost/t/")


def test_a_negative_proxy_count_is_refused(app):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES must be 0"):
        make_test_app(TRUSTED_PROXIES=-1)


# --- what a 429 says -----------------------------------------------------------------------------

LIMITED = {
    "web login": ("LOGIN_RATE_LIMIT", {"path": "/account/login", "method": "POST",
                                       "data": {"login": "0912000556", "password": "sai"}}),
    "api token": ("LOGIN_RATE_LIMIT", {"path": "/api/v1/auth/token", "method": "POST",
                                       "json": {"login": "0912000556", "password": "sai"}}),
    "api register": ("LOGIN_RATE_LIMIT", {"path": "/api/v1/auth/register", "method": "POST",
                                          "json": {"name": "Hoa", "phone": "0912 000 557", "password": PASSWORD}}),
    "web register": ("LOGIN_RATE_LIMIT", {"path": "/account/register", "method": "POST",
                                          "data": {"name": "Hoa", "login": "0912 000 557", "password": PASSWORD,
                                                   "password2": PASSWORD}}),
    "order page": ("ORDER_LOOKUP_RATE_LIMIT", {"path": "/orders/find", "method": "POST",
                                               "data": {"code": "CQ-AAAAAA", "phone": ADDRESS["phone"]}}),
    "api lookup": ("ORDER_LOOKUP_RATE_LIMIT", {"path": "/api/v1/orders/lookup",
                                               "query_string": {"code": "CQ-AAAAAA", "phone": ADDRESS["phone"]}}),
}


@pytest.mark.parametrize("route", LIMITED)
def test_every_429_says_when_to_try_again(app, client, route):
    setting, call = LIMITED[route]
    for _ in range(smallest(app, setting)):
        assert client.open(**call).status_code != 429

    blocked = client.open(**call)

    assert blocked.status_code == 429
    assert 0 <= int(blocked.headers["Retry-After"]) <= 60, "seconds until the minute's window ends"
    if call["path"].startswith("/api/"):
        assert blocked.mimetype == "application/problem+json" and blocked.json["status"] == 429
    else:
        assert "Bạn thử quá nhiều lần" in blocked.get_data(as_text=True)


def test_the_register_form_and_the_api_share_one_bucket_of_new_accounts(app, client):
    limit = smallest(app, "LOGIN_RATE_LIMIT")
    for n in range(limit):
        door = LIMITED["web register" if n % 2 else "api register"][1]
        assert client.open(**door).status_code != 429
    assert client.open(**LIMITED["web register"][1]).status_code == 429
    assert client.open(**LIMITED["api register"][1]).status_code == 429
