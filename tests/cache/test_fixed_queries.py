"""Each hot page and public API read, rendered (the page cache off), costs the same number of queries with one
product as with many products, photos, shops and variants, and lazy-loads nothing: a new N+1 fails here."""

import io
from contextlib import contextmanager

import pytest

from tests.conftest import jpeg_bytes, queries_for, statements_run, token_for

PAGES = ["/", "/products", "/shops", "/search?q=tom", "/api/v1/products", "/api/v1/shops",
         "/api/v1/search?q=tom", "/api/v1/categories"]


def _shop_with_products(client, factory, n: int, name: str):
    owner = factory.user()
    shop = factory.shop(owner, name=name)
    headers = token_for(client, owner)
    seed = sum(map(ord, name)) % 200  # each shop its own pictures: the same bytes would be one stored image
    for kind, colour in (("logo", (10, 90, seed)), ("cover", (90, seed, 10))):
        response = client.post(f"/api/v1/shops/{shop.slug}/images?kind={kind}", headers=headers,
                               data={"file": (io.BytesIO(jpeg_bytes(color=colour)), "anh.jpg")},
                               content_type="multipart/form-data")
        assert response.status_code == 200, response.json
    products = []
    for i in range(n):
        product = factory.product(owner, shop, title=f"Tôm khô {name} loại {i}",
                                  variants=[{"name": "500 g", "price_vnd": 100_000 + i, "stock": 5},
                                            {"name": "1 kg", "price_vnd": 190_000 + i, "stock": 0}])
        for colour in ((200, 120, i + seed), (60, i + seed, 200)):
            response = client.post(f"/api/v1/products/{product.id}/images", headers=headers,
                                   data={"file": (io.BytesIO(jpeg_bytes(color=colour)), "anh.jpg")},
                                   content_type="multipart/form-data")
            assert response.status_code == 201, response.json
        products.append(product)
    return shop, products


@contextmanager
def lazy_loads():
    """The relationships lazily loaded meanwhile (an attribute read one object at a time: the N+1's shape)."""
    from flask_sqlalchemy.session import Session
    from sqlalchemy import event

    seen: list[str] = []

    def listener(state) -> None:
        if state.lazy_loaded_from is not None:
            seen.append(f"{state.lazy_loaded_from.class_.__name__}: {str(state.statement).splitlines()[0][:80]}")

    event.listen(Session, "do_orm_execute", listener)
    try:
        yield seen
    finally:
        event.remove(Session, "do_orm_execute", listener)


@pytest.fixture
def counts(app, client, factory, no_page_cache):
    """Query counts of every page with one shop and one product, then with four shops and 12 products."""
    shop, products = _shop_with_products(client, factory, 1, "Năm Căn")
    small = {path: queries_for(client, path) for path in _paths(shop, products)}
    for name in ("Đất Mũi", "Cái Nước"):
        _shop_with_products(client, factory, 4, name)
    products += _shop_with_products(client, factory, 3, "Ngọc Hiển")[1]
    with lazy_loads() as lazy:
        large = {path: queries_for(client, path) for path in _paths(shop, products[:1])}
    return small, large, lazy


def _paths(shop, products) -> list[str]:
    product = products[0]
    return [*PAGES, f"/products/{product.slug}", f"/shops/{shop.slug}", f"/api/v1/products/{product.id}",
            f"/api/v1/shops/{shop.slug}"]


def test_hot_pages_cost_a_fixed_number_of_queries(counts):
    small, large, lazy = counts
    grew = {path: (small[path], large[path]) for path in small if large[path] != small[path]}
    assert grew == {}
    assert lazy == []
    assert max(small.values()) <= 14, small


def _checkout(client, variant_ids: list[int]) -> int:
    from tests.shopping import ADDRESS

    token = client.post("/api/v1/cart", json={}).json["token"]
    headers = {"X-Cart-Token": token}
    for variant_id in variant_ids:
        assert client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1},
                           headers=headers).status_code == 201
    with statements_run(client.application) as statements:
        response = client.post("/api/v1/checkout", headers=headers, json={"address": ADDRESS, "payment_method": "cod"})
    assert response.status_code == 201, response.json
    return len(statements)


def test_a_checkout_costs_the_same_whatever_the_catalogue_holds(app, client, factory):
    _shop, first = _shop_with_products(client, factory, 2, "Năm Căn")
    _shop, second = _shop_with_products(client, factory, 1, "Đất Mũi")
    cart = [first[0].variant_ids[0], first[1].variant_ids[0], second[0].variant_ids[0]]  # two shops
    _checkout(client, cart)  # the first of a process also meets what only a first one does
    small = _checkout(client, cart)
    for name in ("Cái Nước", "Ngọc Hiển"):
        _shop_with_products(client, factory, 4, name)
    assert _checkout(client, cart) == small
