"""Vietnamese by default; English when the visitor (or the app's Accept-Language) asks for it."""

from babel.messages.pofile import read_po

from tests.conftest import ROOT


def test_every_message_has_an_english_translation():
    with open(ROOT / "translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated and not fuzzy, untranslated or fuzzy


def test_pages_are_vietnamese_until_the_visitor_picks_english(client, factory):
    owner = factory.user()
    shop = factory.shop(owner)
    factory.product(owner, shop, variants=[{"name": "1 kg", "price_vnd": 1_250_000, "stock": 3}])

    page = client.get("/").get_data(as_text=True)
    assert "Sản phẩm mới" in page
    assert "1.250.000\u00a0₫" in page

    switched = client.get("/account/lang/en?next=/products")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/products")
    page = client.get("/").get_data(as_text=True)
    assert "New products" in page and "Sản phẩm mới" not in page
    assert "1.250.000\u00a0₫" in page, "prices stay in đồng, written the Vietnamese way"
    assert "Handicrafts and textiles" in client.get("/products").get_data(as_text=True), "category names too"

    client.get("/account/lang/xx")  # unknown languages are ignored
    assert "New products" in client.get("/").get_data(as_text=True)


def test_api_errors_follow_accept_language(client):
    vietnamese = client.get("/api/v1/me")
    english = client.get("/api/v1/me", headers={"Accept-Language": "en-US,en;q=0.9"})

    assert vietnamese.status_code == english.status_code == 401
    assert vietnamese.json["detail"].startswith("Cần đăng nhập")
    assert english.json["detail"].startswith("Authentication required")
