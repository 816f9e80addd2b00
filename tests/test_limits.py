"""The rate limits as a deployment meets them: what every 429 tells the client."""

import pytest
from limits import parse_many

from tests.conftest import PASSWORD
from tests.shopping import ADDRESS


def smallest(app, setting: str) -> int:
    return min(item.amount for item in parse_many(app.config[setting]))


# --- what a 429 says -----------------------------------------------------------------------------

LIMITED = {
    "web login": ("LOGIN_RATE_LIMIT", {"path": "/account/login", "method": "POST",
                                       "data": {"login": "0912000556", "password": "sai"}}),
    "api token": ("LOGIN_RATE_LIMIT", {"path": "/api/v1/auth/token", "method": "POST",
                                       "json": {"login": "0912000556", "password": "sai"}}),
    "api register": ("LOGIN_RATE_LIMIT", {"path": "/api/v1/auth/register", "method": "POST",
                                          "json": {"name": "Hoa", "phone": "0912", "password": PASSWORD}}),
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
