"""A buyer on a phone pays by bank transfer: the QR their banking app would scan is on the screen."""

import io

import pytest
from PIL import Image

from tests.e2e.conftest import add_first_result, fill_checkout, shoot
from tests.shopping import give_bank_account

pytestmark = pytest.mark.slow


def test_checkout_by_vietqr_shows_a_scannable_code(app, live_server, phone_page, factory):
    zxingcpp = pytest.importorskip("zxingcpp")
    seller = factory.user(name="Nguyễn Văn Tư")
    shop = factory.shop(seller, name="Tôm khô Đất Mũi", shipping_fee_vnd=30_000)
    give_bank_account(app, seller, shop, "970405", "7300205123456")
    factory.product(seller, shop, title="Tôm khô Đất Mũi loại 1",
                    variants=[{"name": "500 g", "price_vnd": 560_000, "stock": 5}])
    page = phone_page

    add_first_result(page, live_server, "tom+kho")
    fill_checkout(page, "Chuyển khoản ngân hàng (quét mã VietQR)")
    shoot(page, "transfer-1-checkout")
    page.get_by_role("button", name="Đặt hàng").click()

    page.wait_for_url("**/done")
    qr = page.locator("img.qr")
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR image must load"
    assert page.get_by_text("7300205123456").is_visible()
    assert page.get_by_text("Năm trăm chín mươi nghìn đồng").is_visible()
    shoot(page, "transfer-2-qr")
    # What a banking app's camera would see: the code as the screen shows it.
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert decoded.text.startswith("000201010212") and "7300205123456" in decoded.text
    assert "5406590000" in decoded.text
