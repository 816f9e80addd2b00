"""A buyer on a phone: search, add from two shops, check out with cash on delivery, follow the order."""

import pytest

from tests.e2e.conftest import add_first_result, fill_checkout, shoot

pytestmark = pytest.mark.slow


@pytest.fixture
def market(app, factory):
    shrimp_seller, honey_seller = factory.user(name="Nguyễn Văn Tư"), factory.user(name="Lê Thị Ba")
    shrimp = factory.shop(shrimp_seller, name="Tôm khô Đất Mũi", shipping_fee_vnd=30_000)
    honey = factory.shop(honey_seller, name="Mật ong U Minh", shipping_fee_vnd=25_000, free_shipping_from_vnd=300_000)
    factory.product(shrimp_seller, shrimp, title="Tôm khô Đất Mũi loại 1",
                    variants=[{"name": "500 g", "price_vnd": 560_000, "stock": 5}])
    factory.product(honey_seller, honey, title="Mật ong rừng tràm U Minh",
                    variants=[{"name": "Chai 500 ml", "price_vnd": 180_000, "stock": 5}])


def test_a_buyer_checks_out_two_shops_with_cash_on_delivery(live_server, phone_page, market):
    page = phone_page
    add_first_result(page, live_server, "tom kho dat mui")  # typed without diacritics
    shoot(page, "buyer-1-cart-one-shop")
    add_first_result(page, live_server, "mat ong u minh")
    assert page.get_by_role("heading", name="🏪 Tôm khô Đất Mũi").is_visible()
    assert page.get_by_role("heading", name="🏪 Mật ong U Minh").is_visible()
    # 560.000 + 30.000 delivery, 180.000 + 25.000 delivery (under the free-delivery amount)
    assert page.get_by_text("795.000").is_visible()
    shoot(page, "buyer-2-cart-two-shops")
    fill_checkout(page, None, street="12 Phan Ngọc Hiển, khóm 3")
    assert page.get_by_label("Trả tiền mặt khi nhận hàng (COD)").is_checked(), "the first method is the default"
    shoot(page, "buyer-3-checkout")
    page.get_by_role("button", name="Đặt hàng").click()

    page.wait_for_url("**/done")
    assert page.get_by_text("Bạn trả 795.000").is_visible()
    shoot(page, "buyer-4-placed")
    page.locator("a.order-row", has_text="Tôm khô Đất Mũi").click()
    assert page.get_by_role("heading", name="Hành trình đơn hàng").is_visible()
    assert page.locator(".timeline li").first.inner_text().startswith("Chờ người bán xác nhận")
    assert page.get_by_text("0987 654 321").is_visible()
    shoot(page, "buyer-5-order-timeline")
