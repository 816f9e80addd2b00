"""Schemathesis drives every operation of /api/v1/openapi.json with generated requests.

Requests are sent with a seller's token, and with the ids of that seller's real shop and product
mixed into the generated ones, so the checks reach the code behind authentication and lookups.
No generated request may crash the server or get an answer the document does not describe.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import make_test_app, token_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# Built at import so pytest can list one test per operation; it shares the test database, which
# the session `app` fixture migrates before any test runs (seller_headers depends on it).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", make_test_app())


@pytest.fixture
def seller_headers(app, client, factory):
    user = factory.user(phone="0912000111")
    shop = factory.shop(user, name="Mật ong U Minh")
    factory.product(user, shop)
    return token_for(client, user)


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json["paths"]
    for path in ("/api/v1/auth/register", "/api/v1/auth/token", "/api/v1/me", "/api/v1/provinces",
                 "/api/v1/provinces/{code}/wards", "/api/v1/categories", "/api/v1/shops", "/api/v1/shops/{slug}",
                 "/api/v1/products", "/api/v1/products/{product_id}", "/api/v1/products/{product_id}/images"):
        assert path in paths, path


@schema.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_keeps_its_contract(case, seller_headers):
    case.call_and_validate(headers=seller_headers, checks=CHECKS)
