"""A buyer on a phone pays with the wallet: checkout, the (sandbox) gateway page, back to a paid order."""

import pytest

from tests.e2e.conftest import add_first_result, fill_checkout, shoot

pytestmark = pytest.mark.slow


def test_checkout_through_the_sandbox_wallet_ends_on_a_paid_order(live_server, phone_page, factory):
    seller = factory.user(name="Lê Thị Ba")
    shop = factory.shop(seller, name="Mật ong U Minh", shipping_fee_vnd=25_000)
    factory.product(seller, shop, title="Mật ong rừng tràm U Minh",
                    variants=[{"name": "Chai 500 ml", "price_vnd": 180_000, "stock": 5}])
    page = phone_page

    add_first_result(page, live_server, "mat+ong")
    fill_checkout(page, "Ví điện tử / ngân hàng (qua VNPay)")
    page.get_by_role("button", name="Đặt hàng").click()

    page.wait_for_url("**/payments/sandbox/vnpay?**")
    assert page.get_by_text("205.000").is_visible()
    shoot(page, "wallet-1-gateway")
    page.get_by_role("button", name="Thanh toán").click()

    page.wait_for_url("**/done")
    assert page.get_by_text("Đã thanh toán. Cảm ơn bạn!").is_visible()
    shoot(page, "wallet-2-paid")
    page.locator("a.order-row").first.click()
    assert page.get_by_text("Đã thanh toán, chờ người bán xác nhận").first.is_visible()
    shoot(page, "wallet-3-order")
