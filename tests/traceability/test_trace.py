"""A label's QR code opens the true story of its batch: short URL, GS1 Digital Link and the JSON lookup agree."""

import io
import threading
from datetime import date, timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.traceability.models import Batch
from tests.conftest import login, table_count
from tests.traceability.conftest import GTIN8, GTIN12, GTIN13, GTIN14, create


def _scans(app, batch_id) -> int:
    with app.app_context():
        return db.session.get(Batch, batch_id).scan_count


def test_the_qr_png_decodes_to_the_gs1_url_which_answers_with_the_batch(app, client, seller):
    created = create(client, seller)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["code"] == "L2510-01" and body["id"] > 0
    assert body["gs1_url"] == f"http://localhost/01/{GTIN14}/10/L2510-01"
    assert body["label_url"] == body["gs1_url"], "with a GTIN the label carries the GS1 Digital Link"

    png = client.get(body["qr_png_url"].removeprefix("http://localhost"))
    assert png.status_code == 200 and png.mimetype == "image/png"
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert barcode.text == body["gs1_url"]

    page = client.get(barcode.text.removeprefix("http://localhost"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for shown in ("Tôm khô Năm Căn loại 1", "L2510-01", "12/10/2025", "12/10/2030", "Ao tôm sinh thái ông Tám",
                  "VN-CM-TS-0042", "CM-DG-0007", "Cà Mau", "VietGAP", "VG-2024-118", "Thu hoạch",
                  "13–15/10/2025", "sáng 16/10", "Tôm khô Năm Căn", "Mua sản phẩm này"):
        assert shown in html, shown
    assert "Hết hiệu lực" in html, "the organic certificate ran out in 2023"


def test_without_a_gtin_the_qr_carries_the_short_url(app, client, seller):
    body = create(client, seller, product=seller["plain"]).json
    assert body["gs1_url"] is None
    assert body["trace_url"] == body["label_url"] == f"http://localhost/t/{body['public_code']}"
    assert len(body["public_code"]) == 10 and body["public_code"] not in (str(body["id"]),)
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(client.get(f"/t/{body['public_code']}/qr.png").data)))
    assert barcode.text == body["trace_url"]
    page = client.get(f"/t/{body['public_code']}")
    assert page.status_code == 200 and "Khô cá lóc" in page.get_data(as_text=True)
    svg = client.get(f"/t/{body['public_code']}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_public_base_url_setting_goes_into_the_label(app, client, seller):
    app.config["PUBLIC_BASE_URL"] = "https://choque.example.vn/"
    try:
        body = create(client, seller).json
        assert body["label_url"] == f"https://choque.example.vn/01/{GTIN14}/10/L2510-01"
        [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(
            client.get(f"/t/{body['public_code']}/qr.png").data)))
        assert barcode.text == body["label_url"]
    finally:
        app.config["PUBLIC_BASE_URL"] = None


def test_the_short_code_is_stable_across_edits(app, client, seller):
    body = create(client, seller).json
    changed = client.patch(f"/api/v1/products/{seller['product'].id}/batches/{body['id']}",
                           json={"code": "L2510-02", "area_name": "Ao số 2"}, headers=seller["headers"])
    assert changed.status_code == 200, changed.json
    assert changed.json["public_code"] == body["public_code"] and changed.json["code"] == "L2510-02"
    assert "Ao số 2" in client.get(f"/t/{body['public_code']}").get_data(as_text=True)


@pytest.mark.parametrize("path_gtin", [GTIN13, GTIN14])
def test_gs1_path_accepts_the_gtin13_and_its_padded_form(app, client, seller, path_gtin):
    body = create(client, seller).json
    short = client.get(f"/api/v1/trace/{body['public_code']}").json
    page = client.get(f"/01/{path_gtin}/10/L2510-01")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert short["product"]["title"] in html and short["code"] in html
    assert client.get(f"/01/{path_gtin}/10/l2510-01").status_code == 200, "lot codes are stored upper-case"


@pytest.mark.parametrize("gtin", [GTIN8, GTIN12])
def test_gs1_path_accepts_gtin8_and_gtin12_padded_or_not(app, client, factory, seller, gtin):
    product = factory.product(seller["owner"], seller["shop"], title=f"Bánh phồng tôm {gtin}", gtin=gtin)
    created = create(client, seller, product=product, code="BP-7")
    assert created.status_code == 201, created.json
    padded = gtin.zfill(14)
    assert created.json["gs1_url"].endswith(f"/01/{padded}/10/BP-7")
    for form in (gtin, padded):
        page = client.get(f"/01/{form}/10/BP-7")
        assert page.status_code == 200 and f"Bánh phồng tôm {gtin}" in page.get_data(as_text=True)


def test_gs1_expiry_in_the_link_is_accepted_and_a_disagreement_is_shown(app, client, seller):
    create(client, seller)
    same = client.get(f"/01/{GTIN13}/10/L2510-01?17=301012")
    assert same.status_code == 200 and "Mã QR ghi hạn dùng" not in same.get_data(as_text=True)
    other = client.get(f"/01/{GTIN13}/10/L2510-01?17=270131")
    assert other.status_code == 200, "the database is the truth: the batch still shows"
    html = other.get_data(as_text=True)
    assert "Mã QR ghi hạn dùng 31/01/2027" in html and "12/10/2030" in html
    month_end = client.get(f"/01/{GTIN13}/10/L2510-01?17=301000")
    assert month_end.status_code == 200 and "31/10/2030" in month_end.get_data(as_text=True), "DD 00: month's end"


@pytest.mark.parametrize("path", [
    "/01/8934567000014/10/L2510-01",  # check digit wrong (…17 is right)
    "/01/08934567000018/10/L2510-01",
    "/01/96385075/10/L2510-01",
    "/01/12345/10/L2510-01",  # not a GTIN length
    "/01/89345670000AB/10/L2510-01",
])
def test_gs1_path_with_a_bad_gtin_is_a_clear_404(app, client, seller, path):
    create(client, seller)
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "sai số kiểm tra" in html or "không phải là mã GTIN" in html


def test_unknown_codes_are_404(app, client, seller):
    create(client, seller)
    assert client.get("/t/zzzzzzzzzz").status_code == 404
    assert "Không tìm thấy lô hàng" in client.get("/t/zzzzzzzzzz").get_data(as_text=True)
    assert client.get("/t/zzzzzzzzzz/qr.png").status_code == 404
    assert client.get(f"/01/{GTIN13}/10/NOPE").status_code == 404
    missing = client.get("/api/v1/trace/zzzzzzzzzz")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_trace_api_is_the_page_as_data_and_every_lookup_counts(app, client, seller):
    body = create(client, seller).json
    assert body["scan_count"] == 0
    client.get(f"/t/{body['public_code']}")
    client.get(f"/01/{GTIN13}/10/L2510-01")
    client.get(f"/t/{body['public_code']}/qr.png")  # fetching the image is not a scan
    trace = client.get(f"/api/v1/trace/{body['public_code']}")
    assert trace.status_code == 200
    data = trace.json
    assert data["scan_count"] == 3
    assert data["code"] == "L2510-01" and data["product"]["title"] == "Tôm khô Năm Căn loại 1"
    assert data["product"]["gtin"] == GTIN14
    assert data["product"]["buy_url"] == "http://localhost/products/tom-kho-nam-can-loai-1"
    assert data["shop"]["name"] == "Tôm khô Năm Căn" and data["shop"]["is_verified"] is False
    assert data["origin"]["province_name"] == "Cà Mau" and data["origin"]["growing_area_code"] == "VN-CM-TS-0042"
    assert data["production_date"] == "2025-10-12" and data["expiry_date"] == "2030-10-12"
    assert [c["expired"] for c in data["certifications"]] == [False, True]
    assert [s["when"] for s in data["steps"]] == ["12/10/2025", "13–15/10/2025", "sáng 16/10"]
    assert data["ocop"] is None
    assert _scans(app, body["id"]) == 3
    page = client.get(f"/t/{body['public_code']}").get_data(as_text=True)
    assert "Lượt tra cứu: 4" in page


def test_the_shops_own_looks_and_head_requests_are_not_scans(app, client, seller):
    body = create(client, seller).json
    owner = app.test_client()
    login(owner, seller["owner"])
    owner.get(f"/t/{body['public_code']}")  # the seller checking a printed label
    owner_api = owner.get(f"/api/v1/trace/{body['public_code']}", headers=seller["headers"])
    assert owner_api.status_code == 200
    client.head(f"/t/{body['public_code']}")  # a link checker
    assert _scans(app, body["id"]) == 0
    client.get(f"/t/{body['public_code']}")  # a buyer
    assert _scans(app, body["id"]) == 1


def test_concurrent_scans_all_count(app, seller):
    client = app.test_client()
    body = create(client, seller).json
    errors = []

    def scan():
        try:
            assert app.test_client().get(f"/t/{body['public_code']}").status_code == 200
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _scans(app, body["id"]) == 8


def test_expired_batch_is_flagged(app, client, seller):
    produced = date.today() - timedelta(days=400)
    body = create(client, seller, production_date=produced.isoformat(),
                  expiry_date=(produced + timedelta(days=30)).isoformat()).json
    html = client.get(f"/t/{body['public_code']}").get_data(as_text=True)
    assert "đã hết hạn sử dụng" in html
    assert client.get(f"/api/v1/trace/{body['public_code']}").json["expired"] is True


def test_ocop_stars_show_only_for_a_current_rating(app, client, seller):
    from marketplace.ocop.models import OcopClaim

    body = create(client, seller).json
    with app.app_context():
        claim = OcopClaim(product_id=seller["product"].id, stars=4, decision_number="123/QĐ-UBND",
                          decided_on=date.today() - timedelta(days=10), issuing_level="province",
                          product_group="food", expires_on=date.today() + timedelta(days=1000),
                          certificate_key="x", certificate_type="image/png")
        db.session.add(claim)
        db.session.commit()
    assert client.get(f"/api/v1/trace/{body['public_code']}").json["ocop"] is None, "pending: no stars"
    assert "OCOP 4 sao" not in client.get(f"/t/{body['public_code']}").get_data(as_text=True)
    with app.app_context():
        db.session.scalar(select(OcopClaim)).status = "approved"
        db.session.commit()
    assert client.get(f"/api/v1/trace/{body['public_code']}").json["ocop"]["stars"] == 4
    assert "OCOP 4 sao" in client.get(f"/t/{body['public_code']}").get_data(as_text=True)


def test_a_hidden_or_deleted_product_keeps_its_trace_page_without_a_buy_link(app, client, seller):
    body = create(client, seller).json
    owner = app.test_client()
    login(owner, seller["owner"])
    assert owner.post(f"/seller/products/{seller['product'].id}/status", data={"status": "hidden"}).status_code == 302
    page = client.get(f"/t/{body['public_code']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tôm khô Năm Căn loại 1" in html and "Mua sản phẩm này" not in html
    assert "hiện không bán" in html
    assert client.get(f"/api/v1/trace/{body['public_code']}").json["product"]["buy_url"] is None
    assert owner.post(f"/seller/products/{seller['product'].id}/delete").status_code == 302
    assert client.get(f"/01/{GTIN13}/10/L2510-01").status_code == 200


def test_a_deleted_batch_is_gone(app, client, seller):
    body = create(client, seller).json
    response = client.delete(f"/api/v1/products/{seller['product'].id}/batches/{body['id']}", headers=seller["headers"])
    assert response.status_code == 204
    assert client.get(f"/t/{body['public_code']}").status_code == 404
    assert table_count(app, Batch) == 0
