"""Search follows stock that orders take and give back: sold out drops from "in stock", a cancel restores it."""

from tests.conftest import token_for
from tests.shopping import ADDRESS


def in_stock_titles(client) -> list[str]:
    body = client.get("/api/v1/search", query_string={"q": "mam ca linh", "in_stock": "1"}).json
    return [result["title"] for result in body["results"]]


def test_the_last_unit_sold_takes_the_product_out_of_in_stock_search_and_a_cancel_brings_it_back(
        app, client, factory):
    seller = factory.user()
    shop = factory.shop(seller, name="Mắm Châu Đốc")
    product = factory.product(seller, shop, title="Mắm cá linh",
                              variants=[{"name": "Hũ 500 g", "price_vnd": 90_000, "stock": 2}])
    assert in_stock_titles(client) == ["Mắm cá linh"]

    token = client.post("/api/v1/cart", json={}).json["token"]
    headers = {"X-Cart-Token": token}
    client.post("/api/v1/cart/items", json={"variant_id": product.variant_ids[0], "quantity": 1}, headers=headers)
    client.post("/api/v1/checkout", json={"address": ADDRESS, "payment_method": "cod"}, headers=headers)
    assert in_stock_titles(client) == ["Mắm cá linh"], "one of two sold: still in stock"

    client.post("/api/v1/cart/items", json={"variant_id": product.variant_ids[0], "quantity": 1}, headers=headers)
    placed = client.post("/api/v1/checkout", json={"address": ADDRESS, "payment_method": "cod"}, headers=headers)
    assert placed.status_code == 201
    assert in_stock_titles(client) == []

    order_id = placed.json["orders"][0]["id"]
    cancelled = client.post(f"/api/v1/seller/orders/{order_id}/cancel", json={"reason": "Hũ bị nứt, xin lỗi bạn"},
                            headers=token_for(client, seller))
    assert cancelled.status_code == 200, cancelled.json
    assert in_stock_titles(client) == ["Mắm cá linh"]
