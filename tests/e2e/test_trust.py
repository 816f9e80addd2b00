"""Trust, in a real browser: an OCOP badge appears only after an admin checked the certificate, and a
batch's printed label opens that batch's story on a buyer's phone."""

from datetime import timedelta

import pytest
from PIL import Image

from tests.conftest import jpeg_bytes
from tests.e2e.conftest import DESKTOP, new_page, shoot, sign_in
from tests.shopping import count, make_admin

pytestmark = pytest.mark.slow

TITLE = "Tôm khô Đất Mũi loại 1"


@pytest.fixture
def shrimp_shop(factory):
    seller = factory.user(name="Nguyễn Văn Tư")
    shop = factory.shop(seller, name="Tôm khô Đất Mũi")
    product = factory.product(seller, shop, title=TITLE, variants=[{"name": "500 g", "price_vnd": 560_000,
                                                                    "stock": 5}])
    return seller, shop, product


def claim_of(app, product_id: int) -> dict:
    from sqlalchemy import select

    from marketplace.extensions import db
    from marketplace.ocop.models import OcopClaim

    with app.app_context():
        claim = db.session.scalar(select(OcopClaim).where(OcopClaim.product_id == product_id))
        return {"id": claim.id, "status": claim.status, "rejection_reason": claim.rejection_reason,
                "decided_by_id": claim.decided_by_id}


def wait_until_loaded(image) -> None:
    """Images load after the page's navigation ends; wait for one (polling, no sleep) before reading it."""
    from playwright.sync_api import expect

    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0, "the image must load"


def test_an_ocop_badge_shows_only_after_an_admin_checked_the_certificate(
        app, live_server, browser, phone_page, factory, shrimp_shop, tmp_path):
    from marketplace.audit.models import AuditEntry
    from marketplace.ocop.services import proposed_expiry
    from marketplace.utils import vietnam_today

    seller, shop, product = shrimp_shop
    admin = factory.user(name="Phạm Thị Duyệt")
    make_admin(app, admin)
    certificate = tmp_path / "giay-chung-nhan-ocop.jpg"
    certificate.write_bytes(jpeg_bytes(size=(1200, 850), color=(240, 220, 160)))
    decided_on = vietnam_today() - timedelta(days=120)

    # The seller claims 4 stars from the product's edit page.
    seller_page = phone_page
    sign_in(seller_page, live_server, seller, f"/seller/products/{product.id}/edit")
    seller_page.get_by_role("link", name="Chứng nhận OCOP").click()
    seller_page.wait_for_url(f"**/seller/products/{product.id}/ocop")
    seller_page.get_by_label("Số sao được công nhận").select_option("4")
    seller_page.get_by_label("Số quyết định công nhận").fill("1234/QĐ-UBND")
    seller_page.get_by_label("Ngày ký quyết định").fill(decided_on.isoformat())
    seller_page.get_by_label("Nhóm sản phẩm").select_option(label="Thực phẩm")
    seller_page.get_by_label("Ảnh chụp hoặc tệp PDF giấy chứng nhận").set_input_files(str(certificate))
    shoot(seller_page, "trust-1-seller-claims-ocop")
    with seller_page.expect_navigation():
        seller_page.get_by_role("button", name="Gửi duyệt").click()
    assert seller_page.get_by_text("Đã gửi hồ sơ OCOP.").is_visible()
    status = seller_page.locator(".ocop-status")
    assert status.get_by_text("Đang chờ duyệt").is_visible()
    assert seller_page.get_by_role("link", name="Xem").is_visible(), "the seller can open what they sent"
    shoot(seller_page, "trust-2-seller-claim-pending")
    claim = claim_of(app, product.id)
    assert claim["status"] == "pending"

    # A buyer sees no badge while the claim waits, and cannot open the certificate.
    buyer_page = new_page(browser)
    buyer_page.goto(f"{live_server}/products/{product.slug}")
    assert buyer_page.get_by_role("heading", name=TITLE).is_visible()
    assert buyer_page.locator(".ocop-badge").count() == 0
    shop_page = new_page(browser)
    shop_page.goto(f"{live_server}/shops/{shop.slug}")
    shop_card = shop_page.locator("a.product-card", has_text=TITLE)
    assert shop_card.is_visible() and shop_card.locator(".ocop-badge").count() == 0
    stranger = new_page(browser).request  # not the buyer's: the login page's notice would follow them
    response = stranger.get(f"{live_server}/ocop/claims/{claim['id']}/certificate", max_redirects=0)
    assert response.status == 302 and "/account/login" in response.headers["location"], "the certificate is private"

    # The admin opens the queue from the admin menu: product, shop and certificate side by side.
    admin_page = new_page(browser, DESKTOP)
    sign_in(admin_page, live_server, admin, "/admin/")
    admin_page.get_by_role("link", name="Duyệt OCOP").click()
    admin_page.wait_for_url("**/admin/ocop")
    card = admin_page.locator(f"#claim-{claim['id']}")
    assert card.get_by_role("link", name=TITLE, exact=True).is_visible()
    assert card.get_by_text("1234/QĐ-UBND").is_visible()
    assert card.get_by_text("Tôm khô Đất Mũi", exact=True).is_visible()
    image = card.get_by_role("img", name=f"Giấy chứng nhận OCOP của {TITLE}")
    image.scroll_into_view_if_needed()
    wait_until_loaded(image)  # the admin sees the certificate itself
    shoot(admin_page, "trust-3-admin-queue")

    # A rejection needs a reason: refused in Vietnamese, nothing decided, nothing logged.
    with admin_page.expect_navigation():
        card.get_by_role("button", name="Từ chối").click()
    card = admin_page.locator(f"#claim-{claim['id']}")
    assert card.get_by_text("Hãy ghi lý do từ chối để người bán biết cần sửa gì.").is_visible()
    assert card.get_by_role("button", name="Duyệt 4 sao").is_visible()
    shoot(admin_page, "trust-4-admin-reject-without-reason")
    assert claim_of(app, product.id) == claim
    assert count(app, AuditEntry) == 0

    with admin_page.expect_navigation():
        card.get_by_role("button", name="Duyệt 4 sao").click()
    assert admin_page.get_by_text(f"Đã duyệt OCOP 4 sao cho “{TITLE}”.").is_visible()
    assert admin_page.locator(f"#claim-{claim['id']}").count() == 0, "the pending queue no longer has it"
    assert claim_of(app, product.id)["status"] == "approved"

    # Now the buyer sees the badge, with the decision and its expiry (36 months on).
    buyer_page.reload()
    badge = buyer_page.locator(".ocop-line")
    assert badge.get_by_text("OCOP ★★★★").is_visible()
    expires = proposed_expiry(decided_on)
    assert badge.get_by_text(f"QĐ 1234/QĐ-UBND · hiệu lực đến {expires.strftime('%d/%m/%Y')}").is_visible()
    shoot(buyer_page, "trust-5-buyer-sees-badge")
    shop_page.reload()
    assert shop_card.locator(".ocop-badge").get_by_text("OCOP ★★★★").is_visible(), "the card too"

    # The seller's bell rings; the notice says what was approved.
    seller_page.reload()
    assert seller_page.locator(".ocop-status").get_by_text("Đã duyệt").is_visible()
    seller_page.get_by_role("link", name="Thông báo mới").click()
    seller_page.wait_for_url("**/seller/orders")
    assert seller_page.get_by_text(f"Sản phẩm “{TITLE}” đã được duyệt OCOP 4 sao.").is_visible()
    shoot(seller_page, "trust-6-seller-notified")

    # The audit log names the decision, who took it, on which claim.
    admin_page.get_by_role("link", name="Nhật ký").click()
    admin_page.wait_for_url("**/admin/audit")
    entries = admin_page.locator(".audit-entry")
    assert entries.count() == 1
    assert entries.first.get_by_text(f"Duyệt hồ sơ OCOP #{claim['id']}").is_visible()
    assert entries.first.get_by_text("Phạm Thị Duyệt", exact=False).is_visible()
    assert entries.first.get_by_text("decision_number: 1234/QĐ-UBND", exact=False).is_visible()
    shoot(admin_page, "trust-7-audit-log")


def test_a_printed_label_opens_the_batch_story_on_a_buyers_phone(
        live_server, browser, phone_page, shrimp_shop):
    zxingcpp = pytest.importorskip("zxingcpp")
    from marketplace.utils import vietnam_today

    seller, _shop, product = shrimp_shop
    harvested = vietnam_today() - timedelta(days=10)
    page = phone_page

    sign_in(page, live_server, seller, f"/seller/products/{product.id}/batches")
    page.get_by_role("link", name="Thêm lô hàng").click()
    page.wait_for_url(f"**/seller/products/{product.id}/batches/new")
    page.get_by_label("Mã lô").fill("L2511-01")
    page.get_by_label("Ngày thu hoạch / sản xuất").fill(harvested.isoformat())
    page.get_by_label("Hạn sử dụng").fill((harvested + timedelta(days=180)).isoformat())
    page.get_by_label("Vùng nuôi trồng (tên ao, vườn, trại)").fill("Ao tôm sinh thái ông Tám")
    # The shop's province and ward are proposed.
    assert page.get_by_label("Tỉnh/Thành phố").locator("option:checked").inner_text() == "Cà Mau"
    page.get_by_label("Mã số vùng trồng / vùng nuôi").fill("CM-TOM-0042")
    page.locator("#steps-0-label").fill("Thu hoạch")
    page.locator("#steps-0-date_from").fill(harvested.isoformat())
    page.locator("#steps-1-label").fill("Phơi khô")
    page.locator("#steps-1-when_text").fill("3 nắng")
    shoot(page, "trust-8-new-batch")
    page.get_by_role("button", name="Lưu lô hàng").click()
    page.wait_for_url("**/seller/batches/*/edit")
    assert page.get_by_text("Đã lưu lô L2511-01.").is_visible()

    page.get_by_role("link", name="In tem dán bao bì").click()
    page.wait_for_url("**/seller/batches/*/labels")
    qr_codes = page.locator("img.label-qr")
    assert qr_codes.count() == 21, "a full A4 sheet by default"
    assert page.locator(".label").first.get_by_text("L2511-01").is_visible()
    for index in range(21):
        wait_until_loaded(qr_codes.nth(index))
    sheet = shoot(page, "trust-9-label-sheet")

    # What a phone's camera would read off the printed sheet.
    decoded = {barcode.text for barcode in zxingcpp.read_barcodes(Image.open(sheet))}
    assert len(decoded) == 1, decoded
    (url,) = decoded
    assert url.startswith(f"{live_server}/t/"), url

    buyer = new_page(browser)  # signed out
    buyer.goto(url)
    assert buyer.get_by_role("heading", name=TITLE).is_visible()
    assert buyer.locator(".trace-lot").get_by_text("L2511-01").is_visible()
    origin = buyer.locator("section", has=buyer.get_by_role("heading", name="Nguồn gốc"))
    assert origin.get_by_text("Ao tôm sinh thái ông Tám").is_visible()
    assert origin.get_by_text("CM-TOM-0042").is_visible()
    assert origin.get_by_text("Cà Mau", exact=False).is_visible()
    steps = buyer.locator(".trace-steps li")
    assert steps.nth(0).get_by_text("Thu hoạch").is_visible()
    assert steps.nth(1).get_by_text("Phơi khô").is_visible()
    assert buyer.get_by_text("Lượt tra cứu: 1").is_visible()
    assert buyer.get_by_role("link", name="Mua sản phẩm này").is_visible()
    shoot(buyer, "trust-10-buyer-scans-label")
    buyer.reload()
    assert buyer.get_by_text("Lượt tra cứu: 2").is_visible(), "every scan counts"
