"""Input that once ended in a 500 (on PostgreSQL, or on both databases)."""

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.traceability.models import Batch
from tests.conftest import login, table_count
from tests.traceability.conftest import GTIN13, create

HUGE = "99999999999999999999"


def test_a_nul_character_in_a_batch_is_refused_and_nothing_is_stored(app, client, seller):
    # PostgreSQL cannot store a NUL in text: this was a 500 there (and silently stored on SQLite).
    response = create(client, seller, area_name="Ao tôm\x00")
    body = response.json
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "không hợp lệ" in body["detail"]
    response = create(client, seller, steps=[{"label": "Thu hoạch\x00"}])
    assert response.status_code == 400
    assert table_count(app, Batch) == 0


def test_a_nul_character_in_a_scanned_url_gets_a_page_not_a_server_error(client, seller):
    assert create(client, seller).status_code == 201
    for url in ("/t/abc%00", f"/01/{GTIN13}/10/L2510%00", f"/01/{GTIN13}/10/L2510-01?17=%00"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "Dữ liệu gửi lên có ký tự không hợp lệ." in response.get_data(as_text=True)
    assert client.get("/api/v1/trace/abc%00").status_code == 400


def test_an_id_too_large_for_the_database_is_not_found(client, seller):
    login(client, seller["owner"])
    for url in (f"/seller/batches/{HUGE}/edit", f"/seller/batches/{HUGE}/labels",
                f"/seller/products/{HUGE}/batches", f"/seller/products/{HUGE}/batches/new",
                f"/seller/products/{HUGE}/ocop", f"/ocop/claims/{HUGE}/certificate"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy" in response.get_data(as_text=True)
    assert client.post(f"/seller/batches/{HUGE}/delete").status_code == 404


def test_a_step_id_that_is_no_number_is_a_new_step_not_a_server_error(app, client, seller):
    # str.isdigit() says yes to "²", which int() refuses: the form used to crash on it.
    login(client, seller["owner"])
    response = client.post(f"/seller/products/{seller['product'].id}/batches/new", data={
        "code": "L-SUP", "production_date": "2025-11-02", "province_code": "", "ward_code": "",
        "steps-0-id": "²", "steps-0-label": "Thu hoạch", "steps-1-id": "9" * 5000, "steps-1-label": "Phơi khô"})
    assert response.status_code == 302
    with app.app_context():
        batch = db.session.scalar(select(Batch))
        assert [step.label for step in batch.steps] == ["Thu hoạch", "Phơi khô"]


def test_a_link_expiry_that_is_no_date_is_not_echoed_on_the_trace_page(client, seller):
    # Anyone can print a QR code for our domain: the page must not repeat text chosen by whoever made the link.
    assert create(client, seller).status_code == 201
    response = client.get(f"/01/{GTIN13}/10/L2510-01",
                          query_string={"17": "SẢN PHẨM BỊ THU HỒI, gọi 0900000000 để hoàn tiền"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "THU HỒI" not in html and "gọi 0900000000" not in html  # (the language links carry the URL, encoded)
    assert "Mã QR ghi hạn dùng (không đọc được)" in html


def test_a_gtin_in_other_digits_is_a_format_error_not_a_check_digit_error(app, client, seller):
    arabic = "".join(chr(0x0660 + int(d)) for d in GTIN13)  # the same number in Arabic-Indic digits
    for gtin in (arabic, "²" * 8):
        response = client.patch(f"/api/v1/products/{seller['plain'].id}", json={"gtin": gtin},
                                headers=seller["headers"])
        assert response.status_code == 422 and "8, 12, 13 hoặc 14" in response.json["detail"], gtin
        assert "không phải là mã GTIN" in client.get(f"/01/{gtin}/10/L2510-01").get_data(as_text=True)


def test_a_gs1_link_that_finds_nothing_does_not_repeat_its_words(client, seller):
    assert create(client, seller).status_code == 201
    for path in ("/01/Hàng bị thu hồi, gọi 0900000000/10/L2510-01",
                 f"/01/{GTIN13}/10/Hàng bị thu hồi, gọi 0900000000"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "thu hồi" not in html and "“…”" in html, path
    assert "“NOPE”" in client.get(f"/01/{GTIN13}/10/nope").get_data(as_text=True), "a lot code is still named"
    assert "“12345”" in client.get("/01/12345/10/L2510-01").get_data(as_text=True), "so are digits"
