"""Guessing a guest's order by code and phone: the page and the API draw on one limit per address."""

from limits import parse_many

from tests.shopping import ADDRESS


def lookup_limit(app) -> int:
    return min(item.amount for item in parse_many(app.config["ORDER_LOOKUP_RATE_LIMIT"]))


def guess_on_the_page(client, n: int):
    return client.post("/orders/find", data={"code": f"CQ-AAAA{n:02d}", "phone": ADDRESS["phone"]})


def guess_through_the_api(client, n: int):
    return client.get("/api/v1/orders/lookup", query_string={"code": f"CQ-AAAA{n:02d}", "phone": ADDRESS["phone"]})


def test_guessing_on_the_order_page_ends_in_429(app, client):
    limit = lookup_limit(app)

    answers = [guess_on_the_page(client, n).status_code for n in range(limit)]
    blocked = guess_on_the_page(client, limit)

    assert answers == [422] * limit
    assert blocked.status_code == 429
    assert "Bạn thử quá nhiều lần" in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) >= 0


def test_the_page_and_the_api_share_one_limit_per_address(app, client):
    limit = lookup_limit(app)

    answers = [(guess_on_the_page if n % 2 else guess_through_the_api)(client, n).status_code for n in range(limit)]

    assert answers == [404, 422] * (limit // 2) + [404] * (limit % 2)
    assert guess_on_the_page(client, limit).status_code == 429
    api = guess_through_the_api(client, limit)
    assert api.status_code == 429 and api.mimetype == "application/problem+json"
    assert int(api.headers["Retry-After"]) >= 0


def test_another_address_still_finds_its_order(app, client):
    for n in range(lookup_limit(app) + 1):
        guess_on_the_page(client, n)

    elsewhere = app.test_client().post("/orders/find", data={"code": "CQ-AAAA00", "phone": ADDRESS["phone"]},
                                       environ_base={"REMOTE_ADDR": "10.0.6.1"})

    assert elsewhere.status_code == 422, "answered (no such order), not refused"


def test_showing_the_find_page_is_not_counted(app, client):
    assert all(client.get("/orders/find").status_code == 200 for _ in range(lookup_limit(app) + 2))
    assert guess_on_the_page(client, 0).status_code == 422
