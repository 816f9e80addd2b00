"""Schemathesis drives every operation of /api/v1/openapi.json, as a seller and as an admin, with every
built-in check: no server error, answers as documented, and a request the document allows is accepted
while one it refuses is refused (issue 12). Real ids of the world are mixed into the generated ones so
the requests get past the lookups. SCHEMATHESIS_EXAMPLES sets the examples per operation.
"""


import pytest
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.contract.schema import (
    DERANDOMIZE,
    EXAMPLES,
    REAL,
    caller_headers,
    mislabelled_positive,
    refused_for_a_rule_in_words,
    schema,
    use_world,
)
from tests.api.contract.world import spare_token


@pytest.fixture(params=["seller", "admin"])
def headers(request, app, world):
    use_world(world)
    return world.callers[request.param].headers


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=DERANDOMIZE, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_keeps_its_contract(case, headers, world, app):
    if (case.method, case.path) == ("DELETE", "/api/v1/auth/token"):
        headers = spare_token(app, world, headers)
    if mislabelled_positive(case):
        return
    headers = caller_headers(case, headers)
    response = case.call(headers=headers)
    skip = [positive_data_acceptance] if refused_for_a_rule_in_words(response) else []
    case.validate_response(response, excluded_checks=skip, headers=headers, transport_kwargs={"headers": headers})


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json["paths"]
    for path in ("/api/v1/auth/register", "/api/v1/auth/token", "/api/v1/me", "/api/v1/provinces",
                 "/api/v1/provinces/{code}/wards", "/api/v1/categories", "/api/v1/shops", "/api/v1/shops/{slug}",
                 "/api/v1/products", "/api/v1/products/{product_id}", "/api/v1/products/{product_id}/images"):
        assert path in paths, path


def test_the_world_ids_are_mixed_in(headers, world):
    assert REAL["product_id"] == world.product_ids and REAL["order_id"] == [1, 2]
