"""A new seller on a phone: register with a phone number, open a shop, publish a product with a photo."""

import pytest

from tests.conftest import jpeg_bytes
from tests.e2e.conftest import shoot

pytestmark = pytest.mark.slow


def test_new_seller_publishes_first_product_on_a_phone(live_server, phone_page, tmp_path):
    page = phone_page
    photo = tmp_path / "tom-kho.jpg"
    photo.write_bytes(jpeg_bytes(size=(1200, 900), color=(230, 120, 80)))

    page.goto(f"{live_server}/account/register")
    page.get_by_label("Họ và tên").fill("Trần Thị Hoa")
    page.get_by_label("Số điện thoại hoặc email").fill("0912 345 678")
    page.get_by_label("Mật khẩu").fill("matkhau123")
    shoot(page, "1-register")
    page.get_by_role("button", name="Tạo tài khoản").click()

    page.wait_for_url("**/seller/")
    assert page.get_by_text("Bạn chưa có gian hàng").is_visible()
    shoot(page, "2-welcome")
    page.get_by_role("link", name="Mở gian hàng").first.click()

    page.wait_for_url("**/seller/shops/new")
    page.get_by_label("Tên gian hàng").fill("Tôm khô Đất Mũi")
    page.get_by_label("Tỉnh/Thành phố").select_option(label="Cà Mau")
    # Wards arrive by fetch once a province is picked (the page's CSP forbids eval-based waits).
    page.locator("#ward_code option", has_text="Xã Đất Mũi").wait_for(state="attached")
    page.get_by_label("Phường/Xã").select_option(label="Xã Đất Mũi")
    page.get_by_label("Số nhà, đường, ấp").fill("Ấp Khai Long")
    assert page.get_by_label("Số điện thoại", exact=True).input_value() == "0912 345 678"
    page.get_by_label("Giới thiệu gian hàng").fill("Tôm khô nhà làm, phơi nắng tự nhiên ở Đất Mũi.")
    shoot(page, "3-open-shop")
    page.get_by_role("button", name="Mở gian hàng").click()

    page.wait_for_url("**/products/new")
    assert page.get_by_text("đã mở").is_visible()
    page.get_by_label("Ảnh sản phẩm").set_input_files(str(photo))
    page.get_by_label("Tên sản phẩm").fill("Tôm khô Cà Mau loại 1")
    page.get_by_label("Danh mục").select_option(label="Hải sản khô")
    page.locator("#variants-0-name").fill("500 g")
    page.locator("#variants-0-price_vnd").fill("450.000")
    page.locator("#variants-0-stock").fill("20")
    shoot(page, "4-new-product")
    page.get_by_role("button", name="Lưu sản phẩm").click()

    page.wait_for_url("**/seller/?shop=tom-kho-dat-mui")
    assert page.get_by_text("Đã lưu “Tôm khô Cà Mau loại 1”").is_visible()
    shoot(page, "5-dashboard")

    page.goto(f"{live_server}/shops/tom-kho-dat-mui")
    page.get_by_role("link", name="Tôm khô Cà Mau loại 1").click()
    assert page.get_by_text("450.000").first.is_visible()
    cover = page.locator(".gallery img").first
    cover.wait_for()
    assert cover.evaluate("img => img.complete && img.naturalWidth > 0"), "the cover photo must load"
    shoot(page, "6-product-page")
