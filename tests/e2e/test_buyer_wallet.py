"""A buyer on a phone pays with the wallet: checkout, the (sandbox) gateway page, back to a paid order."""

import pytest

from tests.e2e.conftest import shoot

pytestmark = pytest.mark.slow


def test_checkout_through_the_sandbox_wallet_ends_on_a_paid_order(live_server, phone_page, factory):
    seller = factory.user(name="Lê Thị Ba")
    shop = factory.shop(seller, name="Mật ong U Minh", shipping_fee_vnd=25_000)
    factory.product(seller, shop, title="Mật ong rừng tràm U Minh",
                    variants=[{"name": "Chai 500 ml", "price_vnd": 180_000, "stock": 5}])
    page = phone_page

    page.goto(f"{live_server}/search?q=mat+ong")
    page.locator("a.product-card").first.click()
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.get_by_role("link", name="Đặt hàng").click()
    page.get_by_label("Người nhận").fill("Trần Thị Bình")
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Tỉnh/Thành phố").select_option(label="Cà Mau")
    page.locator("#ward_code option", has_text="Phường An Xuyên").wait_for(state="attached")
    page.get_by_label("Phường/Xã").select_option(label="Phường An Xuyên")
    page.get_by_label("Số nhà, đường, ấp").fill("12 Phan Ngọc Hiển")
    page.get_by_label("Ví điện tử / ngân hàng (qua VNPay)").check()
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
