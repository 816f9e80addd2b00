"""A real gunicorn server on the test database, and Debian's Chromium driven by Playwright."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR
from tests.live import gunicorn

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", DATA_DIR / "screenshots"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def live_server(app):
    with gunicorn(workers=2) as url:
        yield url


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def new_page(browser, viewport=PHONE):
    """A page in a browser context of its own (its own cookies: another person), phone-size by default;
    closed with the browser."""
    phone = viewport == PHONE
    context = browser.new_context(viewport=viewport, device_scale_factor=2 if phone else 1, is_mobile=phone,
                                  has_touch=phone, locale="vi-VN")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return context.new_page()


def sign_in(page, url: str, user, next_path: str) -> None:
    """Through the login form, landing on next_path."""
    page.goto(f"{url}/account/login?next={next_path}")
    page.get_by_label("Số điện thoại hoặc email").fill(user.login)
    page.get_by_label("Mật khẩu").fill(user.password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{url}{next_path}")


def shoot(page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def add_first_result(page, url: str, query: str) -> None:
    """Search as a buyer types, open the first product, put it in the cart."""
    page.goto(f"{url}/search?q={query}")
    page.locator("a.product-card").first.click()
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.wait_for_url("**/cart")


def fill_checkout(page, payment: str | None, street: str = "12 Phan Ngọc Hiển") -> None:
    """From the cart: the delivery address in Cà Mau and the way to pay, by its label (None: the default)."""
    page.get_by_role("link", name="Đặt hàng").click()
    page.wait_for_url("**/checkout")
    page.get_by_label("Người nhận").fill("Trần Thị Bình")
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Tỉnh/Thành phố").select_option(label="Cà Mau")
    # Wards arrive by fetch once a province is picked (the page's CSP forbids eval-based waits).
    page.locator("#ward_code option", has_text="Phường An Xuyên").wait_for(state="attached")
    page.get_by_label("Phường/Xã").select_option(label="Phường An Xuyên")
    page.get_by_label("Số nhà, đường, ấp").fill(street)
    if payment:
        page.get_by_label(payment).check()
