"""Four processes edit 50 products each at the same moment, through four gunicorn workers.

Whoosh lets one writer in at a time and a second fails at once with LockError; the outbox
and its single drainer must make every one of the 200 edits searchable, with no request failing.
"""

import json
import multiprocessing
import urllib.request

from marketplace.search.models import SearchOutbox
from tests.conftest import PASSWORD, table_count
from tests.live import gunicorn

CLIENTS, EDITS = 4, 50


def _call(url: str, method: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    # Our own server on http://127.0.0.1, hence the noqa for "URL scheme not checked".
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    data = json.dumps(body).encode() if body else None
    request = urllib.request.Request(url, method=method, data=data, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {"body": error.read().decode(errors="replace")[:300]}


def _edit_products(base: str, token: str, product_ids: list[int], start, results) -> None:
    start.wait()  # all four begin together
    failures = []
    for product_id in product_ids:
        status, body = _call(f"{base}/api/v1/products/{product_id}", "PATCH",
                             {"title": f"Hàng sửa đồng thời kx{product_id:04d}"}, token)
        if status != 200:
            failures.append((product_id, status, body))
    results.put(failures)


def test_two_hundred_simultaneous_edits_are_all_searchable(app, factory):
    from marketplace.accounts.models import User
    from marketplace.catalog.services import create_product
    from marketplace.extensions import db
    from marketplace.shops.models import Shop

    sellers = []
    for n in range(CLIENTS):
        user = factory.user(phone=f"09120003{n:02d}")
        shop = factory.shop(user, name=f"Gian hàng thử {n}")
        with app.app_context():
            owner, store = db.session.get(User, user.id), db.session.get(Shop, shop.id)
            ids = [create_product(store, owner, title=f"Sản phẩm gốc {n}-{i}", category_id=2, unit="kg",
                                  variants=[{"name": "1 kg", "price_vnd": 100_000, "stock": 5}]).id
                   for i in range(EDITS)]
            db.session.commit()
        sellers.append((user.login, ids))

    with gunicorn(workers=4) as base:
        tokens = [_call(f"{base}/api/v1/auth/token", "POST", {"login": login, "password": PASSWORD})[1]["token"]
                  for login, _ in sellers]
        context = multiprocessing.get_context("fork")
        start, results = context.Event(), context.Queue()
        clients = [context.Process(target=_edit_products, args=(base, token, ids, start, results))
                   for token, (_, ids) in zip(tokens, sellers, strict=True)]
        for client in clients:
            client.start()
        start.set()
        failures = [failure for _ in clients for failure in results.get(timeout=300)]
        for client in clients:
            client.join(timeout=60)

        assert failures == [], failures[:5]
        missing = []
        for _, ids in sellers:
            for product_id in ids:
                status, body = _call(f"{base}/api/v1/search?q=kx{product_id:04d}", "GET")
                if status != 200 or [r["id"] for r in body["results"]] != [product_id]:
                    missing.append(product_id)
        assert missing == [], f"{len(missing)} edits not searchable, e.g. {missing[:5]}"
    assert table_count(app, SearchOutbox) == 0, "nothing left queued"
