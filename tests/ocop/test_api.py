"""The OCOP API's contract: who may do what, what a bad request gets, and that a refused request stores
nothing (no row, no file, no audit entry)."""

import pytest

from marketplace.audit.models import AuditEntry
from marketplace.notifications.models import Notification
from marketplace.ocop.models import OcopClaim
from marketplace.ocop.services import proposed_expiry
from tests.conftest import token_for
from tests.shopping import assert_problem, count

from .helpers import PDF, Seller, decided, private_files


def test_a_seller_claims_ocop_and_the_claim_waits(app, client, factory):
    seller = Seller(app, client, factory)
    response = seller.claim_api(stars="5", decision_number="  789/QĐ-TTg ", product_group=None)

    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "pending" and body["stars"] == 5 and body["decision_number"] == "789/QĐ-TTg"
    assert body["issuing_level"] == "national"  # 5 stars are recognised nationally
    assert body["product_group"] == "food"  # from the product's category
    assert body["decided_on"] == decided().isoformat()
    assert body["expires_on"] == proposed_expiry(decided()).isoformat()  # 36 months on
    assert body["submitted_at"].endswith("+00:00") and body["decided_at"] is None
    assert body["certificate_type"] == "image/jpeg" and body["is_current"] is False
    assert len(private_files()) == 1
    again = client.get(f"/api/v1/products/{seller.product.id}/ocop-claim", headers=seller.headers)
    assert again.status_code == 200 and again.json["id"] == body["id"]
    assert_problem(seller.claim_api(), 409)  # one claim per product: correct it instead
    assert count(app, OcopClaim) == 1


def test_three_and_four_stars_are_provincial(app, client, factory):
    seller = Seller(app, client, factory)
    assert seller.claim_api(stars="3").json["issuing_level"] == "province"
    assert_problem(client.patch(f"/api/v1/products/{seller.product.id}/ocop-claim",
                                data={"stars": "4", "issuing_level": "national"}, headers=seller.headers,
                                content_type="multipart/form-data"), 422, "issuing_level")


def _nothing_stored(app) -> None:
    assert count(app, OcopClaim) == 0
    assert private_files() == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"stars": "2"}, "stars"),
    ({"stars": "6"}, "stars"),
    ({"stars": "bốn"}, "stars"),
    ({"expires_on": decided(100).isoformat()}, "expires_on"),  # the decision's own day
    ({"expires_on": decided(101).isoformat()}, "expires_on"),  # before the decision
    ({"expires_on": proposed_expiry(decided()).replace(day=1).replace(year=decided().year + 4).isoformat()},
     "expires_on"),  # longer than the programme's 36 months
    ({"decided_on": decided(-3).isoformat()}, "decided_on"),  # a decision in the future
    ({"decided_on": decided(2000).isoformat(), "expires_on": None}, "expires_on"),  # long expired
    ({"decision_number": "   "}, "decision_number"),
    ({"decision_number": "12\x01/QĐ"}, "decision_number"),  # a NUL is refused earlier, by the app (400)
    ({"product_group": "seafood"}, "product_group"),
])
def test_bad_fields_are_refused_and_nothing_is_stored(app, client, factory, changes, field):
    seller = Seller(app, client, factory)
    assert_problem(seller.claim_api(**changes), 422, field)
    _nothing_stored(app)


@pytest.mark.parametrize(("data", "name"), [
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "giay-chung-nhan.pdf"),  # HTML renamed .pdf
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "giay-chung-nhan.pdf"),  # an EXE
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "giay-chung-nhan.gif"),
    (b"%PDF-1.7\n1 0 obj << >> endobj\n", "cut-short.pdf"),  # a PDF cut short: no %%EOF
    (b"", "empty.jpg"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "broken.jpg"),
])
def test_a_certificate_that_is_not_an_image_or_pdf_is_refused(app, client, factory, data, name):
    seller = Seller(app, client, factory)
    body = assert_problem(seller.claim_api(data=data, name=name), 422, "certificate")
    assert "PDF" in body["errors"]["certificate"][0] or "ảnh" in body["errors"]["certificate"][0].lower()
    _nothing_stored(app)


def test_an_oversized_certificate_is_refused(app, client, factory):
    seller = Seller(app, client, factory)
    app.config["MAX_CERTIFICATE_BYTES"], before = 1024, app.config["MAX_CERTIFICATE_BYTES"]
    try:
        assert_problem(seller.claim_api(data=PDF + b"%" * 2000 + b"\n%%EOF\n", name="big.pdf"), 422, "certificate")
    finally:
        app.config["MAX_CERTIFICATE_BYTES"] = before
    _nothing_stored(app)


def test_a_claim_for_another_sellers_product_is_refused(app, client, factory):
    seller = Seller(app, client, factory)
    other = factory.user(name="Người bán khác")
    other_shop = factory.shop(other, name="Khô cá Sông Đốc")
    other_product = factory.product(other, other_shop, title="Khô cá lóc")

    assert_problem(seller.claim_api(product_id=other_product.id), 403)
    assert_problem(seller.claim_api(product_id=999_999), 404)
    _nothing_stored(app)


def test_a_non_admin_approving_or_rejecting_gets_403_and_changes_nothing(app, client, factory):
    seller = Seller(app, client, factory)
    claim_id = seller.claim()
    buyer = token_for(client, factory.user(name="Người mua"))
    for headers in (seller.headers, buyer):
        assert_problem(client.post(f"/api/v1/admin/ocop-claims/{claim_id}/approve", headers=headers), 403)
        assert_problem(client.post(f"/api/v1/admin/ocop-claims/{claim_id}/reject", json={"reason": "x"},
                                   headers=headers), 403)
        assert_problem(client.post(f"/api/v1/admin/ocop-claims/{claim_id}/reject", json={}, headers=headers), 403)
        assert_problem(client.get("/api/v1/admin/ocop-claims", headers=headers), 403)
    assert client.post(f"/api/v1/admin/ocop-claims/{claim_id}/approve").status_code == 401
    claim = client.get(f"/api/v1/products/{seller.product.id}/ocop-claim", headers=seller.headers).json
    assert claim["status"] == "pending" and claim["decided_at"] is None
    assert count(app, AuditEntry) == 0 and count(app, Notification) == 0
    assert seller.product_api()["ocop"] is None


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_a_rejection_without_a_reason_is_refused(app, client, factory, body):
    seller = Seller(app, client, factory)
    claim_id = seller.claim()
    response = client.post(f"/api/v1/admin/ocop-claims/{claim_id}/reject", json=body, headers=seller.admin_headers)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "reason" in response.json["errors"]
    assert count(app, OcopClaim, OcopClaim.status == "pending") == 1
    assert count(app, AuditEntry) == 0 and count(app, Notification) == 0


def test_decisions_are_logged_and_the_shop_is_told(app, client, factory):
    seller = Seller(app, client, factory)
    first = seller.claim()
    second_product = factory.product(seller.owner, seller.shop, title="Sáp ong U Minh")
    second = seller.claim(product_id=second_product.id, stars="3")

    approved = seller.approve(first)
    assert approved.status_code == 200 and approved.json["status"] == "approved" and approved.json["is_current"]
    rejected = seller.reject(second, reason="Số quyết định không khớp giấy chứng nhận")
    assert rejected.status_code == 200 and rejected.json["rejection_reason"].startswith("Số quyết định")

    from marketplace.extensions import db

    with app.app_context():
        entries = {e.action: e for e in db.session.query(AuditEntry)}
        assert set(entries) == {"ocop.approve", "ocop.reject"}
        assert entries["ocop.approve"].actor_id == seller.admin.id
        assert entries["ocop.approve"].subject_type == "ocop_claim" and entries["ocop.approve"].subject_id == first
        assert entries["ocop.approve"].details["stars"] == 4
        assert entries["ocop.reject"].reason == "Số quyết định không khớp giấy chứng nhận"
        notes = {n.kind: n for n in db.session.query(Notification)}
        assert set(notes) == {"ocop_approved", "ocop_rejected"}
        assert all(n.order_id is None and n.user_id == seller.owner.id for n in notes.values())
        assert "Mật ong U Minh nguyên chất" in notes["ocop_approved"].message
        assert "Sáp ong U Minh" in notes["ocop_rejected"].message
        assert "không khớp" in notes["ocop_rejected"].message

    # Deciding again: the claim is no longer pending.
    assert_problem(seller.approve(first), 409)
    assert_problem(seller.reject(first), 409)
    assert_problem(seller.approve(second), 409)
    assert count(app, AuditEntry) == 2


def test_the_queue_lists_oldest_first_with_a_total(app, client, factory):
    seller = Seller(app, client, factory)
    ids = [seller.claim()]
    for n in range(2):
        product = factory.product(seller.owner, seller.shop, title=f"Mật ong loại {n}")
        ids.append(seller.claim(product_id=product.id))
    seller.approve(ids[1])

    page = client.get("/api/v1/admin/ocop-claims", query_string={"status": "pending", "per_page": 1},
                      headers=seller.admin_headers).json
    assert page["total"] == 2 and [c["id"] for c in page["items"]] == [ids[0]]
    item = page["items"][0]
    assert item["product"]["title"] == "Mật ong U Minh nguyên chất" and item["shop"]["name"] == "Ong mật Rừng U Minh"
    page2 = client.get("/api/v1/admin/ocop-claims", query_string={"per_page": 1, "page": 2},
                       headers=seller.admin_headers).json
    assert [c["id"] for c in page2["items"]] == [ids[2]]
    every = client.get("/api/v1/admin/ocop-claims", query_string={"status": "all"}, headers=seller.admin_headers)
    assert [c["id"] for c in every.json["items"]] == ids
    assert_problem(client.get("/api/v1/admin/ocop-claims", query_string={"status": "lost"},
                              headers=seller.admin_headers), 422)


def test_a_claim_that_expired_while_waiting_cannot_be_approved(app, client, factory):
    from datetime import timedelta

    from sqlalchemy import update

    from marketplace.extensions import db
    from marketplace.utils import vietnam_today

    seller = Seller(app, client, factory)
    claim_id = seller.claim()
    with app.app_context():
        gone = vietnam_today() - timedelta(days=1)
        db.session.execute(update(OcopClaim).values(decided_on=gone - timedelta(days=900), expires_on=gone))
        db.session.commit()
    assert_problem(seller.approve(claim_id), 422, "expires_on")
    assert count(app, AuditEntry) == 0 and count(app, OcopClaim, OcopClaim.status == "pending") == 1
    assert seller.reject(claim_id, reason="Giấy chứng nhận đã hết hạn").status_code == 200
