"""The figures page counts what the test made: accounts, shops, products, OCOP stars, and orders and
sales by month (Vietnam's calendar, UTC+7) and by the shop's province. Runs on SQLite and PostgreSQL,
whose month bucketing is written differently (marketplace/admin/figures.py)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from marketplace.admin import figures
from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.conftest import token_for
from tests.shopping import ADDRESS

TODAY = date(2026, 3, 15)  # the window is April 2025 .. March 2026


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def market(app, client, factory, seller):
    """Two shops (Cà Mau, Cần Thơ) and six orders placed at chosen instants, in chosen states."""
    ca_mau = factory.shop(seller, name="Tôm khô Năm Căn")
    can_tho = factory.shop(seller, name="Bánh pía Cần Thơ", province_code=92, ward_code=31150)
    shrimp = factory.product(seller, ca_mau, title="Tôm khô", variants=[{"name": "1 kg", "price_vnd": 100_000,
                                                                          "stock": 50}])
    cake = factory.product(seller, can_tho, title="Bánh pía", variants=[{"name": "Hộp", "price_vnd": 250_000,
                                                                         "stock": 50}])
    buyer = factory.user(name="Người mua", phone="0912000950")
    headers = token_for(client, buyer)
    plan = [  # product, quantity, placed at (UTC), status, payment status
        (shrimp, 2, utc(2026, 1, 31, 17, 30), "completed", "paid"),   # 1 Feb 00:30 in Vietnam
        (shrimp, 1, utc(2026, 1, 31, 16, 30), "delivered", "paid"),   # 31 Jan 23:30 in Vietnam (COD collected)
        (cake, 1, utc(2026, 3, 10, 3, 0), "placed", "unpaid"),        # not paid yet: an order, not a sale
        (cake, 1, utc(2026, 3, 11, 3, 0), "cancelled", "refunded"),   # refunded: an order, not a sale
        (cake, 1, utc(2025, 3, 31, 17, 30), "paid", "paid"),          # 1 Apr 2025 in Vietnam: first month shown
        (shrimp, 3, utc(2025, 3, 31, 16, 0), "completed", "paid"),    # 31 Mar 2025: before the window
    ]
    for product, quantity, placed_at, status, payment_status in plan:
        added = client.post("/api/v1/cart/items", json={"variant_id": product.variant_ids[0], "quantity": quantity},
                            headers=headers)
        assert added.status_code == 201
        placed = client.post("/api/v1/checkout", headers=headers, json={"address": ADDRESS, "payment_method": "cod"})
        assert placed.status_code == 201, placed.json
        order_id = placed.json["orders"][0]["id"]
        with app.app_context():
            db.session.execute(update(Order).where(Order.id == order_id).values(
                created_at=placed_at, status=status, payment_status=payment_status))
            db.session.commit()
    return {"ca_mau": ca_mau, "can_tho": can_tho, "shrimp": shrimp, "cake": cake}


def test_orders_and_sales_by_month_follow_the_vietnamese_calendar(app, market):
    with app.app_context():
        months = figures.by_month(TODAY)
    assert [m.key for m in months] == [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    assert months[0].label == "04/2025"
    got = {m.key: (m.orders, m.sales_vnd) for m in months if m.orders}
    assert got == {"2025-04": (1, 250_000), "2026-01": (1, 100_000), "2026-02": (1, 200_000), "2026-03": (2, 0)}


def test_orders_and_sales_by_the_shops_province(app, market):
    with app.app_context():
        rows = figures.by_province(TODAY)
    assert [(r.code, r.name, r.orders, r.sales_vnd) for r in rows] == [
        (96, "Cà Mau", 2, 300_000), (92, "Cần Thơ", 3, 250_000)]


def test_the_window_starts_at_midnight_in_vietnam():
    assert figures.window_start(TODAY) == utc(2025, 3, 31, 17, 0)
    assert figures.month_keys(date(2026, 1, 5), 3) == ["2025-11", "2025-12", "2026-01"]


def test_counts_of_accounts_shops_products_and_ocop_stars(app, factory, market, seller, admin, product,
                                                         other_product, shop):
    from marketplace.catalog.models import Product
    from marketplace.ocop.models import OcopClaim
    from marketplace.shops.models import Shop

    with app.app_context():
        db.session.get(Shop, market["ca_mau"].id).is_verified = True
        db.session.get(Shop, market["can_tho"].id).hidden_by_admin_at = datetime.now(UTC)
        db.session.get(Product, product.id).hidden_by_admin_at = datetime.now(UTC)
        db.session.get(Product, other_product.id).status = "deleted"
        today = date.today()
        for product_id, stars, status, expires in [
            (market["shrimp"].id, 4, "approved", today + timedelta(days=400)),
            (market["cake"].id, 4, "approved", today + timedelta(days=10)),
            (product.id, 5, "approved", today - timedelta(days=1)),  # expired: not counted
            (other_product.id, 3, "pending", today + timedelta(days=400)),  # not approved: not counted
        ]:
            db.session.add(OcopClaim(product_id=product_id, stars=stars, status=status, expires_on=expires,
                                     decided_on=today - timedelta(days=700), decision_number="123/QĐ-UBND",
                                     issuing_level="province", product_group="food", certificate_key="k",
                                     certificate_type="application/pdf"))
        db.session.commit()
        numbers = figures.totals()
        stars = figures.figures(TODAY)["ocop_stars"]
    # Users: admin, seller, helper (shop fixture's manager), buyer.
    assert (numbers["accounts"], numbers["admins"], numbers["disabled"]) == (4, 1, 0)
    assert (numbers["shops"], numbers["shops_verified"], numbers["shops_public"]) == (3, 1, 2)
    # Products not deleted: shrimp (public), cake (its shop hidden), product (hidden by an admin).
    assert (numbers["products"], numbers["products_public"]) == (3, 1)
    assert stars == {3: 0, 4: 2, 5: 0}


def test_the_figures_page_draws_charts_without_inline_styles_or_scripts(app, as_admin, market, monkeypatch):
    monkeypatch.setattr(figures, "vietnam_today", lambda: TODAY)
    response = as_admin.get("/admin/figures")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('<svg class="chart"') == 3
    assert "style=" not in page and "<script>" not in page and "<script " not in re.sub(
        r'<script src="/static/js/app\.js\?v=[0-9a-f]+" defer>', "", page)
    assert "02/2026" in page and "Cà Mau" in page and "Cần Thơ" in page
    assert "200.000\u00a0₫" in page  # February's sales in the table
    assert "550.000\u00a0₫" in page  # twelve months of sales
    assert "300 nghìn · 2 đơn" in page  # Cà Mau's bar
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_the_demo_has_a_year_of_orders_for_the_figures(app):
    from sqlalchemy import func, select

    from marketplace.cli.demo import load_demo
    from marketplace.cli.demo_orders import load_order_history

    with app.app_context():
        load_demo(photos=False)
        made = load_order_history(TODAY)
        db.session.commit()
        months = figures.by_month(TODAY)
        provinces = figures.by_province(TODAY)
        stored = db.session.scalar(select(func.count()).select_from(Order))
    assert made == stored >= 100
    assert all(m.orders > 0 for m in months) and all(m.sales_vnd > 0 for m in months[:-1])
    assert months[-1].orders > months[0].orders, "a growing platform"
    assert len(provinces) >= 5
