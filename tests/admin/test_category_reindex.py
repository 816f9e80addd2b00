"""Search follows a category an admin moved (its filter and facet read the index)."""

import pytest

from tests.admin.test_categories import category

pytestmark = pytest.mark.usefixtures("restore_categories")


def test_moving_a_category_moves_its_products_in_search_filters_and_facets(app, client, as_admin, factory,
                                                                            seller, shop):
    honey, herbal, food = category(app, "mat-ong"), category(app, "thao-duoc"), category(app, "thuc-pham")
    factory.product(seller, shop, title="Mật ong rừng tràm", category_id=honey.id)

    def search(**args):
        return client.get("/api/v1/search", query_string={"q": "mật ong", **args}).json

    assert search(category=food.id)["total"] == 1 and search(category=herbal.id)["total"] == 0
    response = as_admin.post(f"/admin/categories/{honey.id}/edit", data={
        "name": "Mật ong, sáp ong", "name_en": "Honey and beeswax", "slug": "mat-ong", "parent_id": str(herbal.id)})
    assert response.status_code == 302
    assert search(category=herbal.id)["total"] == 1
    assert search(category=food.id)["total"] == 0
    assert search()["facets"]["category"] == [{"value": str(herbal.id), "label": "Thảo dược", "count": 1}]
