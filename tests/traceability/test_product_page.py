"""The product page links its newest lots' trace pages, so a buyer can check the origin before buying."""

from tests.conftest import token_for


def test_product_page_links_the_newest_lots(client, factory):
    seller = factory.user()
    shop = factory.shop(seller)
    product = factory.product(seller, shop)
    headers = token_for(client, seller)
    codes = []
    for n, day in enumerate(["2026-09-01", "2026-10-01", "2026-11-01", "2026-08-01"]):
        answer = client.post(f"/api/v1/products/{product.id}/batches", headers=headers,
                             json={"code": f"LOT-{n}", "production_date": day})
        assert answer.status_code == 201, answer.json
        codes.append(answer.json["trace_url"].rsplit("/", 1)[-1])

    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "Truy xuất nguồn gốc" in page
    for shown in (2, 1, 0):  # the three newest by production date, newest first
        assert f"/t/{codes[shown]}" in page
    assert page.index("LOT-2") < page.index("LOT-1") < page.index("LOT-0")
    assert f"/t/{codes[3]}" not in page and "LOT-3" not in page


def test_a_product_without_lots_says_nothing_about_them(client, factory):
    seller = factory.user()
    product = factory.product(seller, factory.shop(seller))
    assert "Truy xuất nguồn gốc" not in client.get(f"/products/{product.slug}").get_data(as_text=True)
