"""The demo marketplace a newcomer sees after `make run`."""

from sqlalchemy import func, select

from marketplace.catalog.models import Product, ProductPhoto, Variant
from marketplace.extensions import db
from marketplace.shops.models import Shop
from tests.conftest import media_files


def test_seed_demo_builds_a_believable_marketplace_once(app, client):
    runner = app.test_cli_runner()

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "Seller login: 0912 000 001 / matkhau123" in result.output
    with app.app_context():
        shops = db.session.scalars(select(Shop)).all()
        assert len(shops) >= 12
        assert len({shop.province_code for shop in shops}) >= 5
        assert all(shop.logo and shop.cover and shop.bank_bin for shop in shops)
        products = db.session.scalars(select(Product).where(Product.status == "active")).all()
        assert len(products) >= 60
        assert all(product.photos and product.variants for product in products)
        assert db.session.scalar(select(func.count()).select_from(Variant).where(Variant.stock == 0)) > 0
        photo_count = db.session.scalar(select(func.count()).select_from(ProductPhoto))
    assert media_files(), "photos are stored as files"

    home = client.get("/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert "\u00a0₫" in page and "Tôm khô" in page

    # The seller can log in with what the command printed.
    login = client.post("/account/login", data={"login": "0912000001", "password": "matkhau123"})
    assert login.status_code == 302

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "skipped" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Shop)) == len(shops)
        assert db.session.scalar(select(func.count()).select_from(ProductPhoto)) == photo_count
