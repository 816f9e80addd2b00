"""The admins' queue (page and API) costs the same queries for 1 claim or 5."""

from tests.conftest import login, queries_for, token_for

from .helpers import Seller, claim_fields, with_file


def test_the_queue_loads_claims_with_their_product_shop_and_photo_in_fixed_queries(app, client, factory):
    seller = Seller(app, client, factory)
    seller.claim()
    admin = app.test_client()
    login(admin, seller.admin)
    paths = ("/admin/ocop", "/admin/ocop?status=all")
    before = {path: queries_for(admin, path) for path in paths}
    api_before = queries_for(client, "/api/v1/admin/ocop-claims", seller.admin_headers)
    for n in range(4):
        owner = factory.user(name=f"Người bán {n}")
        shop = factory.shop(owner, name=f"Gian hàng số {n}")
        product = factory.product(owner, shop, title=f"Mật ong loại {n}")
        response = client.post(f"/api/v1/products/{product.id}/ocop-claims", data=with_file(claim_fields()),
                               headers=token_for(client, owner), content_type="multipart/form-data")
        assert response.status_code == 201
    assert client.get("/api/v1/admin/ocop-claims", headers=seller.admin_headers).json["total"] == 5
    assert {path: queries_for(admin, path) for path in paths} == before
    assert queries_for(client, "/api/v1/admin/ocop-claims", seller.admin_headers) == api_before
