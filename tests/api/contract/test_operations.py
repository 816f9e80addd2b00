"""Schemathesis drives every operation of /api/v1/openapi.json, as a seller and as an admin, with every
built-in check: no server error, answers as documented, and a request the document allows is accepted
while one it refuses is refused (issue 12). Real ids of the world are mixed into the generated ones so
the requests get past the lookups. SCHEMATHESIS_EXAMPLES sets the examples per operation.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.api.contract.schema import REAL, schema, use_world

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture(params=["seller", "admin"])
def headers(request, app, world):
    use_world(world)
    return world.callers[request.param].headers


def _spare_token(app, user_id: int) -> dict:
    """Signing out revokes the token it is sent with: it gets one of its own, so the caller's stays valid."""
    from marketplace.accounts.models import User
    from marketplace.accounts.services import issue_token
    from marketplace.extensions import db

    with app.app_context():
        token, _ = issue_token(db.session.get(User, user_id))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_keeps_its_contract(case, headers, world, app):
    if (case.method, case.path) == ("DELETE", "/api/v1/auth/token"):
        headers = _spare_token(app, next(c.user_id for c in world.callers.values() if c.headers == headers))
    case.call_and_validate(headers=headers)


def test_the_world_ids_are_mixed_in(headers, world):
    assert REAL["product_id"] == world.product_ids and REAL["order_id"] == [1, 2]
