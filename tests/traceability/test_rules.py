"""Bad input gets a clear error and stores nothing; only the product's shop may write its batches or print labels."""

import io

import pytest
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.traceability.models import Batch, BatchStep, Certification
from tests.conftest import jpeg_bytes, login, media_files, table_count
from tests.traceability.conftest import BAD_GTIN13, GTIN8, GTIN14, batch_payload, create


def _nothing_stored(app):
    assert table_count(app, Batch) == 0
    assert table_count(app, Certification) == 0
    assert table_count(app, BatchStep) == 0


# --- API --------------------------------------------------------------------------------

def test_code_clash_within_a_product_is_refused_and_stores_nothing(app, client, seller):
    assert create(client, seller).status_code == 201
    clash = create(client, seller, code="l2510-01", area_name="Ao khác")
    assert clash.status_code == 409
    assert clash.mimetype == "application/problem+json"
    assert "đã có lô mã “L2510-01”" in clash.json["detail"] and "code" in clash.json["errors"]
    assert table_count(app, Batch) == 1 and table_count(app, BatchStep) == 3
    with app.app_context():
        assert db.session.scalar(select(Batch.area_name)) == "Ao tôm sinh thái ông Tám"


def test_the_same_code_on_another_product_is_fine(app, client, seller):
    assert create(client, seller).status_code == 201
    assert create(client, seller, product=seller["plain"]).status_code == 201
    assert table_count(app, Batch) == 2


def test_renaming_onto_an_existing_code_is_refused(app, client, seller):
    create(client, seller)
    second = create(client, seller, code="L2510-02").json
    response = client.patch(f"/api/v1/products/{seller['product'].id}/batches/{second['id']}",
                            json={"code": "L2510-01", "area_name": "đổi"}, headers=seller["headers"])
    assert response.status_code == 409
    with app.app_context():
        batch = db.session.get(Batch, second["id"])
        assert batch.code == "L2510-02" and batch.area_name == "Ao tôm sinh thái ông Tám"


def test_the_unique_constraint_backs_the_check(app, seller):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        for n in range(2):
            db.session.add(Batch(product_id=seller["product"].id, code="DUP", public_code=f"pc{n}",
                                 production_date=__import__("datetime").date(2025, 1, 1)))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"expiry_date": "2025-10-11"}, "expiry_date", "Hạn sử dụng không được trước ngày thu hoạch"),
    ({"production_date": "2999-01-01", "expiry_date": None}, "production_date", "không được sau hôm nay"),
    ({"code": ""}, "code", "Vui lòng ghi mã lô"),
    ({"code": "LÔ 1"}, "code", "Mã lô tối đa 20 ký tự"),
    ({"code": "A" * 21}, "code", "Mã lô tối đa 20 ký tự"),
    ({"ward_code": 31135}, "ward_code", "không thuộc"),
    ({"province_code": 9999, "ward_code": None}, "province_code", "Vui lòng chọn tỉnh"),
    ({"certifications": [{"kind": "other"}]}, "certifications.0.name", "Hãy ghi tên chứng nhận"),
    ({"certifications": [{"kind": "vietgap", "valid_from": "2025-01-02", "valid_until": "2025-01-01"}]},
     "certifications.0.valid_until", "Ngày hết hiệu lực không được trước ngày cấp"),
    ({"steps": [{"label": "  "}]}, "steps.0.label", "Hãy ghi tên bước"),
    ({"steps": [{"label": "Phơi", "date_from": "2025-10-15", "date_to": "2025-10-13"}]},
     "steps.0.date_to", "Ngày kết thúc không được trước ngày bắt đầu"),
    ({"steps": [{"label": "Phơi", "date_to": "2025-10-13"}]}, "steps.0.date_from", "Hãy ghi ngày bắt đầu"),
    ({"steps": [{"label": f"B{n}"} for n in range(31)]}, "steps", "Tối đa 30 bước"),
])
def test_bad_batches_are_refused_with_a_clear_error(app, client, seller, changes, field, message):
    response = create(client, seller, **changes)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert message in response.json["detail"]
    assert field in response.json["errors"]
    _nothing_stored(app)


def test_schema_errors_are_problem_json(app, client, seller):
    response = create(client, seller, production_date="12/10/2025")
    assert response.status_code == 422 and "production_date" in response.json["errors"]
    response = create(client, seller, certifications=[{"kind": "iso"}])
    assert response.status_code == 422
    _nothing_stored(app)


def test_another_seller_cannot_create_read_change_or_delete_my_batches(app, client, seller):
    mine = create(client, seller).json
    base = f"/api/v1/products/{seller['product'].id}/batches"
    other = seller["other_headers"]
    assert client.post(base, json=batch_payload(code="X-1"), headers=other).status_code == 403
    assert client.get(base, headers=other).status_code == 403
    assert client.get(f"{base}/{mine['id']}", headers=other).status_code == 403
    assert client.patch(f"{base}/{mine['id']}", json={"code": "HACK"}, headers=other).status_code == 403
    assert client.delete(f"{base}/{mine['id']}", headers=other).status_code == 403
    # Through their own product: my batch is not theirs.
    theirs = f"/api/v1/products/{seller['other_product'].id}/batches/{mine['id']}"
    assert client.patch(theirs, json={"code": "HACK"}, headers=other).status_code == 404
    assert client.delete(theirs, headers=other).status_code == 404
    assert client.post(base, json=batch_payload(code="X-2")).status_code == 401
    with app.app_context():
        assert db.session.scalars(select(Batch.code)).all() == ["L2510-01"]


def test_seller_lists_gets_and_updates_batches(app, client, seller):
    created = create(client, seller).json
    base = f"/api/v1/products/{seller['product'].id}/batches"
    listed = client.get(base, headers=seller["headers"]).json
    assert listed["total"] == 1 and listed["items"][0]["id"] == created["id"]
    got = client.get(f"{base}/{created['id']}", headers=seller["headers"]).json
    assert [s["label"] for s in got["steps"]] == ["Thu hoạch", "Phơi khô", "Đóng gói"]
    keep = got["steps"][0]["id"]
    changed = client.patch(f"{base}/{created['id']}", headers=seller["headers"], json={
        "steps": [{"label": "Đóng gói", "when_text": "16/10"}, {"id": keep, "label": "Thu hoạch sớm"}],
        "certifications": []})
    assert changed.status_code == 200, changed.json
    assert [(s["label"], s["id"] == keep) for s in changed.json["steps"]] == [("Đóng gói", False),
                                                                            ("Thu hoạch sớm", True)]
    assert changed.json["certifications"] == []
    assert table_count(app, BatchStep) == 2 and table_count(app, Certification) == 0


def test_step_photo_through_the_media_pipeline(app, client, seller):
    created = create(client, seller).json
    step_id = created["steps"][1]["id"]
    url = f"/api/v1/products/{seller['product'].id}/batches/{created['id']}/steps/{step_id}/photo"
    response = client.post(url, data={"file": (io.BytesIO(jpeg_bytes()), "phoi.jpg")}, headers=seller["headers"],
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    assert response.json["steps"][1]["photo_url"].endswith(".webp")
    assert media_files()
    bad = client.post(url, data={"file": (io.BytesIO(b"not an image"), "x.jpg")}, headers=seller["headers"],
                      content_type="multipart/form-data")
    assert bad.status_code == 422
    other = client.post(url, data={"file": (io.BytesIO(jpeg_bytes(color=(1, 2, 3))), "y.jpg")},
                        headers=seller["other_headers"], content_type="multipart/form-data")
    assert other.status_code == 403


# --- GTIN on the product -------------------------------------------------------------------

def test_product_gtin_is_checked_padded_and_unique(app, client, seller):
    url = f"/api/v1/products/{seller['plain'].id}"
    bad = client.patch(url, json={"gtin": BAD_GTIN13}, headers=seller["headers"])
    assert bad.status_code == 422 and "sai số kiểm tra" in bad.json["detail"] and "gtin" in bad.json["errors"]
    short = client.patch(url, json={"gtin": "12345"}, headers=seller["headers"])
    assert short.status_code == 422 and "8, 12, 13 hoặc 14" in short.json["detail"]
    taken = client.patch(url, json={"gtin": GTIN14}, headers=seller["headers"])
    assert taken.status_code == 409 and "đã dùng" in taken.json["detail"]
    with app.app_context():
        assert db.session.get(Product, seller["plain"].id).gtin is None
    ok = client.patch(url, json={"gtin": f" {GTIN8[:4]} {GTIN8[4:]} "}, headers=seller["headers"])
    assert ok.status_code == 200 and ok.json["gtin"] == "000000" + GTIN8
    assert client.get(url).json["gtin"] == "000000" + GTIN8
    cleared = client.patch(url, json={"gtin": ""}, headers=seller["headers"])
    assert cleared.status_code == 200 and cleared.json["gtin"] is None


def test_product_form_takes_a_gtin(app, client, seller):
    login(client, seller["owner"])
    edit = f"/seller/products/{seller['plain'].id}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert 'name="gtin"' in form and "Lô hàng và tem truy xuất" in form
    data = {"title": "Khô cá lóc", "category_id": "2", "unit": "kg", "status": "active",
            "variants-0-id": str(seller["plain"].variant_ids[0]),
            "variants-0-name": "500 g", "variants-0-price_vnd": "120.000", "variants-0-stock": "5"}
    bad = client.post(edit, data={**data, "gtin": BAD_GTIN13})
    assert bad.status_code == 422 and "sai số kiểm tra" in bad.get_data(as_text=True)
    assert client.post(edit, data={**data, "gtin": GTIN8}).status_code == 302
    with app.app_context():
        assert db.session.get(Product, seller["plain"].id).gtin == "000000" + GTIN8


# --- seller pages ---------------------------------------------------------------------------

def _form(**changes) -> dict:
    data = {
        "code": "L2511-A", "production_date": "2025-11-02", "expiry_date": "2026-05-02",
        "area_name": "Vườn ông Sáu", "growing_area_code": "VN-CT-001", "packing_house_code": "",
        "province_code": "96", "ward_code": "32002",
        "certifications-0-kind": "vietgap", "certifications-0-number": "VG-9", "certifications-0-issuer": "Sở NN",
        "certifications-0-valid_from": "2025-01-01", "certifications-0-valid_until": "2028-01-01",
        "steps-0-label": "Thu hoạch", "steps-0-date_from": "2025-11-01",
        "steps-1-label": "Phơi khô", "steps-1-date_from": "2025-11-01", "steps-1-date_to": "2025-11-02",
        "steps-1-photo": (io.BytesIO(jpeg_bytes()), "phoi.jpg"),
    }
    data.update(changes)
    return data


def test_seller_adds_a_batch_with_a_step_photo_and_prints_labels(app, client, seller):
    login(client, seller["owner"])
    dashboard = client.get("/seller/").get_data(as_text=True)
    assert f"/seller/products/{seller['product'].id}/batches" in dashboard
    listing = client.get(f"/seller/products/{seller['product'].id}/batches")
    assert listing.status_code == 200 and "Chưa có lô hàng nào" in listing.get_data(as_text=True)
    new = client.get(f"/seller/products/{seller['product'].id}/batches/new")
    assert new.status_code == 200
    assert '<option selected value="96">' in new.get_data(as_text=True), "the shop's province"
    response = client.post(f"/seller/products/{seller['product'].id}/batches/new", data=_form(),
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        batch = db.session.scalar(select(Batch))
        assert batch.code == "L2511-A" and [s.label for s in batch.steps] == ["Thu hoạch", "Phơi khô"]
        assert batch.steps[1].image is not None and batch.steps[0].image is None
        assert batch.certifications[0].kind == "vietgap"
        batch_id, public_code = batch.id, batch.public_code
    edit = client.get(f"/seller/batches/{batch_id}/edit").get_data(as_text=True)
    assert "Bỏ ảnh hiện có" in edit and "L2511-A" in edit
    html = client.get(f"/t/{public_code}").get_data(as_text=True)
    assert "01–02/11/2025" in html and ".webp" in html

    sheet = client.get(f"/seller/batches/{batch_id}/labels?copies=30")
    assert sheet.status_code == 200
    text = sheet.get_data(as_text=True)
    assert text.count('class="label"') == 30 and text.count('class="sheet"') == 2
    assert f"/t/{public_code}/qr.svg" in text and "L2511-A" in text and "02/05/2026" in text
    assert client.get(f"/seller/batches/{batch_id}/labels?copies=9999").get_data(as_text=True).count(
        'class="label"') == 120
    assert client.get(f"/seller/batches/{batch_id}/labels?copies=abc").status_code == 200


def test_seller_page_errors_show_next_to_the_field_and_store_nothing(app, client, seller):
    login(client, seller["owner"])
    url = f"/seller/products/{seller['product'].id}/batches/new"
    bad = client.post(url, data=_form(expiry_date="2025-10-01"), content_type="multipart/form-data")
    assert bad.status_code == 422
    assert "Hạn sử dụng không được trước ngày thu hoạch" in bad.get_data(as_text=True)
    bad = client.post(url, data=_form(**{"steps-1-date_to": "2025-10-01"}), content_type="multipart/form-data")
    assert bad.status_code == 422 and "Ngày kết thúc không được trước" in bad.get_data(as_text=True)
    bad = client.post(url, data=_form(production_date="12/11/2025"), content_type="multipart/form-data")
    assert bad.status_code == 422 and "Ngày không hợp lệ" in bad.get_data(as_text=True)
    _nothing_stored(app)
    assert not media_files(), "a refused form leaves no photo behind"
    assert client.post(url, data=_form(), content_type="multipart/form-data").status_code == 302
    clash = client.post(url, data=_form(area_name="khác"), content_type="multipart/form-data")
    assert clash.status_code == 422 and "đã có lô mã “L2511-A”" in clash.get_data(as_text=True)
    assert table_count(app, Batch) == 1


def test_seller_edits_reorders_and_removes_steps(app, client, seller):
    login(client, seller["owner"])
    client.post(f"/seller/products/{seller['product'].id}/batches/new", data=_form(),
                content_type="multipart/form-data")
    with app.app_context():
        batch = db.session.scalar(select(Batch))
        batch_id, first, second = batch.id, batch.steps[0].id, batch.steps[1].id
    response = client.post(f"/seller/batches/{batch_id}/edit", data={
        "code": "L2511-A", "production_date": "2025-11-02", "expiry_date": "",
        "province_code": "", "ward_code": "",
        "steps-0-id": str(second), "steps-0-label": "Phơi khô", "steps-0-remove_photo": "y",
        "steps-1-id": str(first), "steps-1-label": "",
        "steps-2-label": "Đóng gói", "steps-2-when_text": "sáng 3/11",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        batch = db.session.get(Batch, batch_id)
        assert [(s.id, s.label) for s in batch.steps][0] == (second, "Phơi khô")
        assert [s.label for s in batch.steps] == ["Phơi khô", "Đóng gói"]
        assert batch.steps[0].image is None and batch.expiry_date is None and batch.province_code is None
        assert batch.certifications == []


def test_another_seller_cannot_reach_my_batch_pages(app, client, seller):
    owner = app.test_client()
    login(owner, seller["owner"])
    owner.post(f"/seller/products/{seller['product'].id}/batches/new", data=_form(),
               content_type="multipart/form-data")
    with app.app_context():
        batch_id = db.session.scalar(select(Batch.id))
    login(client, seller["other"])
    product_id = seller["product"].id
    assert client.get(f"/seller/products/{product_id}/batches").status_code == 403
    assert client.get(f"/seller/products/{product_id}/batches/new").status_code == 403
    assert client.post(f"/seller/products/{product_id}/batches/new", data=_form(code="X"),
                       content_type="multipart/form-data").status_code == 403
    assert client.get(f"/seller/batches/{batch_id}/edit").status_code == 403
    assert client.post(f"/seller/batches/{batch_id}/edit", data=_form(code="HACK"),
                       content_type="multipart/form-data").status_code == 403
    assert client.get(f"/seller/batches/{batch_id}/labels").status_code == 403
    assert client.post(f"/seller/batches/{batch_id}/delete").status_code == 403
    assert client.get("/seller/batches/999999/labels").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/seller/batches/{batch_id}/labels").status_code == 302  # to the login page
    with app.app_context():
        assert db.session.scalars(select(Batch.code)).all() == ["L2511-A"]
    assert owner.post(f"/seller/batches/{batch_id}/delete").status_code == 302
    assert table_count(app, Batch) == 0
