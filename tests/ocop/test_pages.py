"""The seller's claim page, the private certificate, and the admins' queue, through the web pages."""

import io

from marketplace.audit.models import AuditEntry
from marketplace.ocop.models import OcopClaim
from tests.conftest import jpeg_bytes, login, png_bytes, token_for
from tests.shopping import count

from .helpers import PDF, Seller, claim_fields, private_files, with_file


def _post_claim(client, product_id, data=None, name="giay.jpg", **changes):
    return client.post(f"/seller/products/{product_id}/ocop", data=with_file(claim_fields(**changes), data, name),
                       content_type="multipart/form-data")


def _claim(app) -> OcopClaim:
    from marketplace.extensions import db

    with app.app_context():
        claim = db.session.query(OcopClaim).one()
        db.session.expunge(claim)
        return claim


def test_a_seller_sends_a_claim_from_the_product_pages(app, client, factory):
    seller = Seller(app, client, factory)
    login(client, seller.owner)
    edit = client.get(f"/seller/products/{seller.product.id}/edit").get_data(as_text=True)
    assert f"/seller/products/{seller.product.id}/ocop" in edit
    page = client.get(f"/seller/products/{seller.product.id}/ocop")
    assert page.status_code == 200
    assert '<option selected value="food">' in page.get_data(as_text=True)  # from the product's category

    response = _post_claim(client, seller.product.id, expires_on="")
    assert response.status_code == 302
    page = client.get(f"/seller/products/{seller.product.id}/ocop").get_data(as_text=True)
    assert "Đang chờ duyệt" in page and "1234/QĐ-UBND" in page
    claim = _claim(app)
    assert claim.status == "pending" and claim.stars == 4 and claim.issuing_level == "province"


def test_bad_input_on_the_page_is_shown_next_to_the_field_and_nothing_is_stored(app, client, factory):
    seller = Seller(app, client, factory)
    login(client, seller.owner)
    for changes, data, message in [
        ({"stars": "6"}, None, "Số sao OCOP phải là 3, 4 hoặc 5."),
        ({"stars": "2"}, None, "Số sao OCOP phải là 3, 4 hoặc 5."),
        ({"expires_on": "2020-01-01"}, None, "Ngày hết hạn phải sau ngày quyết định."),
        ({}, b"<html><body>not a pdf</body></html>", "Giấy chứng nhận phải là ảnh (JPEG, PNG, WebP) hoặc tệp PDF."),
        ({"decided_on": "12/03/2024"}, None, "Ngày không hợp lệ"),
    ]:
        response = _post_claim(client, seller.product.id, data=data, name="giay.pdf", **changes)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    no_file = client.post(f"/seller/products/{seller.product.id}/ocop", data=claim_fields(),
                          content_type="multipart/form-data")
    assert no_file.status_code == 422 and "Hãy chọn ảnh chụp hoặc tệp PDF" in no_file.get_data(as_text=True)
    assert count(app, OcopClaim) == 0 and private_files() == []


def test_only_the_shops_members_may_open_its_claim_page(app, client, factory):
    seller = Seller(app, client, factory)
    stranger = factory.user(name="Người lạ")
    login(client, stranger)
    assert client.get(f"/seller/products/{seller.product.id}/ocop").status_code == 403
    assert _post_claim(client, seller.product.id).status_code == 403
    assert count(app, OcopClaim) == 0 and private_files() == []


def test_the_certificate_is_private_to_the_shop_and_the_admins(app, client, factory):
    seller = Seller(app, client, factory)
    claim_id = seller.claim(data=png_bytes((300, 200)), name="giay.png")
    stored = private_files()
    assert len(stored) == 1 and "media" not in stored[0].parts  # outside the public media folder
    url = f"/ocop/claims/{claim_id}/certificate"

    assert client.get(url).status_code == 302  # signed out: the login page
    stranger = factory.user(name="Người lạ")
    login(client, stranger)
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/ocop-claims/{claim_id}/certificate",
                      headers=token_for(client, stranger)).status_code == 404
    assert client.get(f"/media/{stored[0].name}").status_code == 404

    for who in (seller.owner, seller.admin):
        client = app.test_client()
        login(client, who)
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "image/png" and response.data.startswith(b"\x89PNG")
        assert response.headers["Content-Disposition"].startswith("inline")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
    api = client.get(f"/api/v1/ocop-claims/{claim_id}/certificate", headers=seller.headers)
    assert api.status_code == 200 and api.mimetype == "image/png"


def test_an_image_certificate_is_re_encoded_and_a_pdf_kept_as_a_download(app, client, factory):
    seller = Seller(app, client, factory)
    original = jpeg_bytes((800, 600), exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00")
    claim_id = seller.claim(data=original)
    login(client, seller.owner)
    image = client.get(f"/ocop/claims/{claim_id}/certificate")
    assert image.mimetype == "image/jpeg" and image.data != original and b"Exif" not in image.data[:200]

    other = factory.product(seller.owner, seller.shop, title="Sáp ong")
    pdf_id = seller.claim(product_id=other.id, data=PDF, name="chung-nhan.pdf")
    pdf = client.get(f"/ocop/claims/{pdf_id}/certificate")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == PDF
    assert pdf.headers["Content-Disposition"].startswith("attachment")


def test_a_rejected_claim_shows_its_reason_and_can_be_sent_again(app, client, factory):
    seller = Seller(app, client, factory)
    claim_id = seller.claim(decision_number="123/QĐ-UBN")
    seller.reject(claim_id, reason="Số quyết định thiếu chữ D")
    login(client, seller.owner)
    page = client.get(f"/seller/products/{seller.product.id}/ocop").get_data(as_text=True)
    assert "Bị từ chối" in page and "Số quyết định thiếu chữ D" in page and "Gửi lại" in page
    before = _claim(app)

    response = client.post(f"/seller/products/{seller.product.id}/ocop",
                           data=claim_fields(decision_number="123/QĐ-UBND"), content_type="multipart/form-data")
    assert response.status_code == 302
    claim = _claim(app)
    assert claim.status == "pending" and claim.rejection_reason is None and claim.decision_number == "123/QĐ-UBND"
    assert claim.submitted_at > before.submitted_at and claim.certificate_key == before.certificate_key
    assert seller.approve(claim_id).status_code == 200


def test_changing_an_approved_claims_stars_or_certificate_sends_it_back(app, client, factory):
    seller = Seller(app, client, factory)
    claim_id = seller.approved_claim(stars="4")
    login(client, seller.owner)
    # Saved unchanged: still approved, the badge stays.
    assert client.post(f"/seller/products/{seller.product.id}/ocop", data=claim_fields(stars="4"),
                       content_type="multipart/form-data").status_code == 302
    assert _claim(app).status == "approved" and "OCOP ★★★★" in seller.product_page()

    assert client.post(f"/seller/products/{seller.product.id}/ocop", data=claim_fields(stars="5"),
                       content_type="multipart/form-data").status_code == 302
    claim = _claim(app)
    assert claim.status == "pending" and claim.stars == 5 and claim.decided_at is None
    assert "OCOP ★" not in seller.product_page() and seller.product_api()["ocop"] is None
    assert seller.search(ocop_stars=3)["total"] == 0

    assert seller.approve(claim_id).status_code == 200
    old_file = private_files()
    new_scan = client.patch(f"/api/v1/products/{seller.product.id}/ocop-claim", headers=seller.headers,
                            data={"certificate": (io.BytesIO(PDF), "moi.pdf")}, content_type="multipart/form-data")
    assert new_scan.status_code == 200 and new_scan.json["status"] == "pending"
    assert new_scan.json["certificate_type"] == "application/pdf"
    assert private_files() != old_file and len(private_files()) == 1  # the replaced scan is removed


def test_a_typo_fix_on_an_approved_claim_is_checked_again(app, client, factory):
    """The decision number is shown to buyers (certificate_number): an unchecked edit could show a wrong one."""
    seller = Seller(app, client, factory)
    seller.approved_claim()
    response = client.patch(f"/api/v1/products/{seller.product.id}/ocop-claim", headers=seller.headers,
                            data={"decision_number": "1235/QĐ-UBND"}, content_type="multipart/form-data")
    assert response.status_code == 200 and response.json["status"] == "pending"


def test_the_admin_queue_shows_claims_side_by_side_and_decides(app, client, factory):
    seller = Seller(app, client, factory)
    first = seller.claim()
    other = factory.product(seller.owner, seller.shop, title="Sáp ong U Minh")
    second = seller.claim(product_id=other.id, data=PDF, name="cn.pdf", stars="3")

    login(client, seller.owner)
    assert client.get("/admin/ocop").status_code == 403
    assert client.post(f"/admin/ocop/{first}/approve").status_code == 403
    assert client.post(f"/admin/ocop/{first}/reject", data={f"c{first}-reason": "x"}).status_code == 403
    assert count(app, AuditEntry) == 0

    client = app.test_client()
    login(client, seller.admin)
    index = client.get("/admin/").get_data(as_text=True)
    assert "/admin/ocop" in index and '<span class="count">2</span>' in index
    page = client.get("/admin/ocop").get_data(as_text=True)
    assert page.index("Mật ong U Minh nguyên chất") < page.index("Sáp ong U Minh")  # oldest first
    assert f'<img src="/ocop/claims/{first}/certificate"' in page
    assert f'href="/ocop/claims/{second}/certificate"' in page and "Ong mật Rừng U Minh" in page

    refused = client.post(f"/admin/ocop/{second}/reject", data={f"c{second}-reason": "  "})
    assert refused.status_code == 422 and "Hãy ghi lý do từ chối" in refused.get_data(as_text=True)
    assert client.post(f"/admin/ocop/{first}/approve").status_code == 302
    assert client.post(f"/admin/ocop/{second}/reject",
                       data={f"c{second}-reason": "Giấy chứng nhận đã hết hạn"}).status_code == 302
    again = client.post(f"/admin/ocop/{first}/approve")
    assert again.status_code == 409 and "đã được xử lý" in again.get_data(as_text=True)

    assert "Không có hồ sơ nào" in client.get("/admin/ocop").get_data(as_text=True)
    rejected = client.get("/admin/ocop?status=rejected").get_data(as_text=True)
    assert "Giấy chứng nhận đã hết hạn" in rejected and "Mật ong U Minh nguyên chất" not in rejected
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "ocop.approve" in audit and "ocop.reject" in audit and "Giấy chứng nhận đã hết hạn" in audit
    assert "OCOP ★★★★" in seller.product_page()


def test_a_shop_withdraws_its_claim_and_the_badge_and_file_go(app, client, factory):
    seller = Seller(app, client, factory)
    seller.approved_claim()
    assert "OCOP ★★★★" in seller.product_page()
    stranger = app.test_client()
    login(stranger, factory.user(name="Người lạ"))
    assert stranger.post(f"/seller/products/{seller.product.id}/ocop/withdraw").status_code == 403
    assert count(app, OcopClaim) == 1

    login(client, seller.owner)
    assert client.post(f"/seller/products/{seller.product.id}/ocop/withdraw").status_code == 302
    assert count(app, OcopClaim) == 0 and private_files() == []
    assert "OCOP ★" not in seller.product_page() and seller.search(ocop_stars=3)["total"] == 0


def test_the_header_bell_tells_the_seller_of_a_decision_without_calling_it_an_order(app, client, factory):
    seller = Seller(app, client, factory)
    seller.approved_claim()
    login(client, seller.owner)
    header = client.get("/").get_data(as_text=True)
    assert '<a href="/seller/orders" aria-label="Thông báo mới">🔔 <span class="count">1</span></a>' in header
    assert "Đơn hàng mới" not in header  # an OCOP decision is not an order
    assert "đã được duyệt OCOP" in client.get("/seller/orders").get_data(as_text=True)
    assert 'class="count"' not in client.get("/").get_data(as_text=True), "seen: the bell goes quiet"
