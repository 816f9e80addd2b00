"""The API's list of a product's batches costs the same queries for 1 batch or 5."""

from tests.conftest import queries_for
from tests.traceability.conftest import create


def test_listing_batches_loads_steps_and_the_ocop_rating_once_for_the_page(client, seller):
    path = f"/api/v1/products/{seller['product'].id}/batches"
    assert create(client, seller, code="L-1").status_code == 201
    one = queries_for(client, path, seller["headers"])
    for n in range(2, 6):
        assert create(client, seller, code=f"L-{n}").status_code == 201
    assert client.get(path, headers=seller["headers"]).json["total"] == 5
    assert queries_for(client, path, seller["headers"]) == one
