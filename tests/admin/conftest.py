"""A small marketplace for the admin tests: an admin, a seller with a shop and two products, a buyer."""

import pytest
from sqlalchemy import delete, select

from tests.conftest import login
from tests.shopping import make_admin


@pytest.fixture
def admin(app, factory):
    user = factory.user(name="Trần Quản Trị", phone="0912000901")
    make_admin(app, user)
    return user


@pytest.fixture
def seller(factory):
    return factory.user(name="Lê Thị Bán", phone="0912000902", email="ban@example.vn")


@pytest.fixture
def helper(factory):
    return factory.user(name="Tổ công nghệ số", phone="0912000903")


@pytest.fixture
def shop(app, factory, seller, helper):
    made = factory.shop(seller, name="Khô cá Sông Đốc")
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.shops.models import Shop
    from marketplace.shops.services import add_manager

    with app.app_context():
        add_manager(db.session.get(Shop, made.id), db.session.get(User, seller.id), helper.login)
        db.session.commit()
    return made


@pytest.fixture
def product(factory, seller, shop):
    return factory.product(seller, shop, title="Khô cá lóc đồng",
                           variants=[{"name": "500 g", "price_vnd": 180_000, "stock": 8}])


@pytest.fixture
def other_product(factory, seller, shop):
    return factory.product(seller, shop, title="Mắm ba khía Rạch Gốc",
                           variants=[{"name": "Hũ 500 g", "price_vnd": 90_000, "stock": 8}])


@pytest.fixture
def as_admin(client, admin):
    login(client, admin)
    return client


@pytest.fixture
def restore_categories(app):
    """Categories outlive each test (the migration seeds them): put them back as they were."""
    from marketplace.catalog.models import Category
    from marketplace.extensions import db

    with app.app_context():
        before = {c.id: (c.parent_id, c.slug, c.name, c.name_en, c.ocop_group, c.position)
                  for c in db.session.scalars(select(Category))}
    yield
    with app.app_context():
        db.session.execute(delete(Category).where(Category.id.not_in(list(before)), Category.parent_id.is_not(None)))
        db.session.execute(delete(Category).where(Category.id.not_in(list(before))))
        for category in db.session.scalars(select(Category)):
            (category.parent_id, category.slug, category.name, category.name_en, category.ocop_group,
             category.position) = before[category.id]
        db.session.commit()
