"""Filters, facets, sorting and paging of GET /api/v1/search and the search page."""

import pytest


@pytest.fixture
def market(factory):
    """Two shops in two provinces; dried seafood (category 2, under Food 1) and tea (category 14, under Drinks 12)."""
    ca_mau = factory.user()
    shop_cm = factory.shop(ca_mau, name="Khô Rạch Gốc", province_code=96, ward_code=32248)
    can_tho = factory.user()
    shop_ct = factory.shop(can_tho, name="Trà Phong Điền", province_code=92, ward_code=31299)
    ids = {}
    for title, price, stock in (("Khô cá dứa", 200_000, 5), ("Khô cá khoai", 135_000, 0), ("Khô mực", 650_000, 2)):
        ids[title] = factory.product(ca_mau, shop_cm, title=title,
                                     variants=[{"name": "500 g", "price_vnd": price, "stock": stock}]).id
    for title, price in (("Trà khô qua rừng", 90_000), ("Trà sen khô", 120_000)):
        ids[title] = factory.product(can_tho, shop_ct, title=title, category_id=14, unit="gói",
                                     variants=[{"name": "Gói", "price_vnd": price, "stock": 9}]).id
    return ids


def search(client, **params):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


def test_filters_narrow_the_results(client, market):
    assert search(client, q="kho")["total"] == 5
    assert {r["title"] for r in search(client, q="kho", province=92)["results"]} == {"Trà khô qua rừng", "Trà sen khô"}
    assert search(client, q="kho", category=1)["total"] == 3, "a top-level category includes its sub-categories"
    assert search(client, q="kho", category=2)["total"] == 3
    assert {r["title"] for r in search(client, q="kho", min_price=100_000, max_price=250_000)["results"]} == {
        "Khô cá dứa", "Khô cá khoai", "Trà sen khô"}
    in_stock = search(client, q="kho", in_stock="true")
    assert in_stock["total"] == 4 and all(r["in_stock"] for r in in_stock["results"])


def test_facets_count_the_matches(client, market):
    facets = search(client, q="kho")["facets"]
    assert {f["value"]: f["count"] for f in facets["province"]} == {"96": 3, "92": 2}
    assert {f["label"]: f["count"] for f in facets["province"]} == {"Cà Mau": 3, "Cần Thơ": 2}
    assert {f["value"]: f["count"] for f in facets["category"]} == {"1": 3, "12": 2}
    assert facets["in_stock"] == 4


def test_sorting_and_paging(client, market):
    by_price = [r["price_vnd"] for r in search(client, q="kho", sort="price_asc")["results"]]
    assert by_price == sorted(by_price)
    assert [r["price_vnd"] for r in search(client, q="kho", sort="price_desc")["results"]] == sorted(by_price)[::-1]
    newest = search(client, q="kho", sort="newest")["results"]
    assert newest[0]["title"] == "Trà sen khô", "created last"
    first, second = search(client, q="kho", per_page=2), search(client, q="kho", per_page=2, page=2)
    assert first["total"] == second["total"] == 5
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert search(client, sort="price_asc")["total"] == 5, "an empty query lists everything"


@pytest.mark.parametrize("params", [{"sort": "cheapest"}, {"min_price": "abc"}, {"page": 0}, {"per_page": 500},
                                    {"province": -1}, {"q": "x" * 201}])
def test_bad_parameters_are_a_clear_422(client, params):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(params) & set(response.json["errors"])


def test_search_page_filters_and_errors(client, market):
    page = client.get("/search", query_string={"q": "kho", "province": 96}).get_data(as_text=True)
    assert "3 sản phẩm" in page and "cá dứa" in page and "Trà sen" not in page  # titles carry <mark>s
    assert 'class="chip active"' in page
    bad = client.get("/search", query_string={"q": "kho", "min_price": "rẻ"})
    assert bad.status_code == 422
    assert "Giá trị lọc không hợp lệ." in bad.get_data(as_text=True)
    empty = client.get("/search", query_string={"q": "xyzxyz"}).get_data(as_text=True)
    assert "Chưa tìm thấy sản phẩm nào" in empty and "Thực phẩm" in empty, "an empty result offers the categories"
