"""The API's list of a product's batches costs the same queries for 1 batch or 5."""

from sqlalchemy import event

from marketplace.extensions import db
from tests.traceability.conftest import create


def _queries(app, client, path, headers) -> int:
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(path, headers=headers)
        assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_listing_batches_loads_steps_and_the_ocop_rating_once_for_the_page(app, client, seller):
    path = f"/api/v1/products/{seller['product'].id}/batches"
    assert create(client, seller, code="L-1").status_code == 201
    one = _queries(app, client, path, seller["headers"])
    for n in range(2, 6):
        assert create(client, seller, code=f"L-{n}").status_code == 201
    assert client.get(path, headers=seller["headers"]).json["total"] == 5
    assert _queries(app, client, path, seller["headers"]) == one
