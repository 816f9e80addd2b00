"""Bodies no client sends on purpose still get a clear answer, never a 500."""

from tests.conftest import token_for


def test_a_multipart_part_with_a_blank_name_is_answered_not_crashed(client, factory):
    seller = factory.user()
    shop = factory.shop(seller)
    # A part named "\r" reaches Flask as a form field whose name is None (found by schemathesis).
    body = b'--B\r\nContent-Disposition: form-data; name="\r"\r\n\r\nnull\r\n--B--\r\n'
    answer = client.post(f"/api/v1/shops/{shop.slug}/images?kind=", data=body,
                         headers={**token_for(client, seller), "Content-Type": "multipart/form-data; boundary=B"})
    assert answer.status_code in (400, 404, 422)
    assert answer.mimetype == "application/problem+json"


def test_a_nul_inside_a_multipart_field_is_still_refused(client, factory):
    seller = factory.user()
    shop = factory.shop(seller)
    body = b'--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\nlo\x00go\r\n--B--\r\n'
    answer = client.post(f"/api/v1/shops/{shop.slug}/images", data=body,
                         headers={**token_for(client, seller), "Content-Type": "multipart/form-data; boundary=B"})
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"


def test_a_nameless_part_beside_a_missing_file_is_named_in_the_errors_not_crashed(client, factory):
    # With the required photo missing too, the errors once held a None key the JSON encoder could not sort: a 500
    # (schemathesis, on PostgreSQL).
    seller = factory.user()
    shop = factory.shop(seller)
    product = factory.product(seller, shop)
    body = b'--B\r\nContent-Disposition: form-data; name="\r"\r\n\r\nnull\r\n--B--\r\n'
    answer = client.post(f"/api/v1/products/{product.id}/images", data=body,
                         headers={**token_for(client, seller), "Content-Type": "multipart/form-data; boundary=B"})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert answer.json["errors"] == {"": ["Unknown field."], "file": ["Missing data for required field."]}
    assert client.get(f"/api/v1/products/{product.id}").json["images"] == []
