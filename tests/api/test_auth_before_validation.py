"""Without a valid token the answer is 401 whatever the body: an anonymous caller learns nothing of the rules."""

import pytest


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/api/v1/products", {"title": 1}),
    ("patch", "/api/v1/products/1", {"variants": "nope"}),
    ("post", "/api/v1/shops", {}),
    ("patch", "/api/v1/shops/tom-kho", {"province_code": "x"}),
])
def test_anonymous_write_with_a_bad_body_is_401(client, method, path, body):
    response = getattr(client, method)(path, json=body)

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_documented_request_bodies_survive_the_auth_decorator(client):
    spec = client.get("/api/v1/openapi.json").json
    create = spec["paths"]["/api/v1/products"]["post"]
    assert create["security"] == [{"bearerAuth": []}]
    assert "ProductIn" in str(create["requestBody"])
    assert "ShopPatch" in str(spec["paths"]["/api/v1/shops/{slug}"]["patch"]["requestBody"])
