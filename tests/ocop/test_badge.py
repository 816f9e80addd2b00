"""Only an admin's approval shows the badge, and only until the rating expires: on the product page, the
cards, the product API and search (results, filter and facet), with expiry judged when read."""

from datetime import date, timedelta

from sqlalchemy import select, update

from marketplace.extensions import db
from marketplace.ocop.models import OcopClaim
from tests.conftest import queries_for

from .helpers import Seller

BADGE = "OCOP ★★★★"


def _shows_nowhere(seller: Seller) -> None:
    assert BADGE not in seller.product_page()
    assert BADGE not in seller.client.get("/").get_data(as_text=True)
    assert BADGE not in seller.client.get("/products").get_data(as_text=True)
    assert BADGE not in seller.client.get(f"/shops/{seller.shop.slug}").get_data(as_text=True)
    assert BADGE not in seller.client.get("/search", query_string={"q": "mật ong"}).get_data(as_text=True)
    assert seller.product_api()["ocop"] is None
    listed = seller.client.get("/api/v1/products").json["items"]
    assert [p["ocop"] for p in listed] == [None]
    found = seller.search()
    assert found["total"] == 1 and found["results"][0]["ocop_stars"] is None
    assert found["facets"]["ocop_stars"] == []
    assert seller.search(ocop_stars=3)["total"] == 0


def _shows_everywhere(seller: Seller) -> None:
    assert BADGE in seller.product_page()
    for page in ("/", "/products", f"/shops/{seller.shop.slug}"):
        assert BADGE in seller.client.get(page).get_data(as_text=True), page
    assert BADGE in seller.client.get("/search", query_string={"q": "mật ong"}).get_data(as_text=True)
    assert seller.product_api()["ocop"]["stars"] == 4
    found = seller.search()
    assert found["results"][0]["ocop_stars"] == 4
    assert {f["value"]: f["count"] for f in found["facets"]["ocop_stars"]} == {"3": 1, "4": 1}
    assert seller.search(ocop_stars=4)["total"] == 1
    assert seller.search(ocop_stars=5)["total"] == 0


def test_a_claim_shows_no_badge_until_approved(app, client, factory):
    seller = Seller(app, client, factory)
    claim_id = seller.claim(stars="4")
    _shows_nowhere(seller)

    assert seller.approve(claim_id).status_code == 200
    _shows_everywhere(seller)
    assert seller.product_api()["ocop"] == {"stars": 4, "certificate_number": "1234/QĐ-UBND",
                                            "expires_on": _expiry(app).isoformat()}


def test_a_rejected_claim_shows_no_badge(app, client, factory):
    seller = Seller(app, client, factory)
    claim_id = seller.claim(stars="4")
    assert seller.reject(claim_id).status_code == 200
    _shows_nowhere(seller)


def travel_to(monkeypatch, day) -> None:
    """Vietnam's calendar moves on: every module that reads today's date sees `day`."""
    import marketplace.cache.front
    import marketplace.cache.pages
    import marketplace.ocop.models
    import marketplace.ocop.services
    import marketplace.search.whoosh_backend

    for module in (marketplace.ocop.models, marketplace.ocop.services, marketplace.search.whoosh_backend,
                   marketplace.cache.pages, marketplace.cache.front):  # the page cache keys by the day
        monkeypatch.setattr(module, "vietnam_today", lambda: day)


def _expiry(app) -> date:
    with app.app_context():
        return db.session.scalar(select(OcopClaim.expires_on))


def test_an_expired_rating_hides_the_badge_everywhere_without_a_reindex(app, client, factory, monkeypatch):
    seller = Seller(app, client, factory)
    seller.approved_claim(stars="4")
    _shows_everywhere(seller)
    expires_on = _expiry(app)
    travel_to(monkeypatch, expires_on)  # the last day of the rating: still shown
    _shows_everywhere(seller)
    # The next day nothing was written anywhere (no job, no re-index): every reader judges expiry itself.
    travel_to(monkeypatch, expires_on + timedelta(days=1))
    _shows_nowhere(seller)


def test_cards_load_their_badges_in_one_query(app, client, factory, no_page_cache):
    """A page of cards costs the same number of queries whatever the number of rated products."""
    seller = Seller(app, client, factory)
    seller.approved_claim(stars="4")

    before = queries_for(client, "/products")
    for n in range(4):
        product = factory.product(seller.owner, seller.shop, title=f"Mật ong rừng loại {n}")
        seller.claim(product_id=product.id, stars="3")
    with app.app_context():
        db.session.execute(update(OcopClaim).values(status="approved"))
        db.session.commit()
    assert client.get("/products").get_data(as_text=True).count("OCOP ★") == 5
    assert queries_for(client, "/products") == before
