"""A shop sets its delivery fee (flat, waived from an amount) on the settings page and through the API."""

import pytest

from marketplace.extensions import db
from marketplace.shops.models import Shop
from tests.conftest import login, token_for
from tests.shopping import assert_problem


def fees(app, shop_id) -> tuple:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        return shop.shipping_fee_vnd, shop.free_shipping_from_vnd


def test_the_api_sets_and_clears_the_fees(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    headers = token_for(client, owner)
    response = client.patch(f"/api/v1/shops/{shop.slug}", headers=headers,
                            json={"shipping_fee_vnd": 30_000, "free_shipping_from_vnd": 500_000})
    assert response.status_code == 200, response.json
    assert (response.json["shipping_fee_vnd"], response.json["free_shipping_from_vnd"]) == (30_000, 500_000)
    client.patch(f"/api/v1/shops/{shop.slug}", headers=headers, json={"free_shipping_from_vnd": None})
    assert fees(app, shop.id) == (30_000, None)


@pytest.mark.parametrize(("body", "field"), [
    ({"shipping_fee_vnd": -1}, "shipping_fee_vnd"),
    ({"shipping_fee_vnd": 10**12}, "shipping_fee_vnd"),
    ({"shipping_fee_vnd": "30000"}, "shipping_fee_vnd"),
    ({"free_shipping_from_vnd": 0}, "free_shipping_from_vnd"),
])
def test_bad_fees_are_refused_and_change_nothing(app, client, factory, body, field):
    owner = factory.user()
    shop = factory.shop(owner, shipping_fee_vnd=20_000)
    assert_problem(client.patch(f"/api/v1/shops/{shop.slug}", headers=token_for(client, owner), json=body), 422, field)
    assert fees(app, shop.id) == (20_000, None)


def test_the_settings_page_takes_the_fees(app, client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    login(client, owner)
    page = client.get(f"/seller/shops/{shop.slug}/edit").get_data(as_text=True)
    assert 'name="shipping_fee_vnd"' in page and 'name="free_shipping_from_vnd"' in page
    form = {"name": shop.name, "province_code": "96", "ward_code": "32002", "address": "Ấp Kinh Hòa",
            "phone": "0912 345 678", "description": "", "zalo": "", "shipping_fee_vnd": "25000",
            "free_shipping_from_vnd": "300000"}
    response = client.post(f"/seller/shops/{shop.slug}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert fees(app, shop.id) == (25_000, 300_000)
    response = client.post(f"/seller/shops/{shop.slug}/edit", data={**form, "shipping_fee_vnd": "-5"})
    assert response.status_code == 422 and "Phí giao hàng" in response.get_data(as_text=True)
    assert fees(app, shop.id) == (25_000, 300_000)
