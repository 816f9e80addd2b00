from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from ..forms import filled_rows, int_or_none, max_length
from ..media.uploads import read_upload
from ..shops.locations import provinces, short_name, wards

CERTIFICATION_ROWS = 2
STEP_ROWS = 4


class VnDateField(DateField):
    """A date input (the phone's date picker) whose error is in Vietnamese."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = date.fromisoformat(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Ngày không hợp lệ.")) from None


class CertificationRow(Form):
    kind = SelectField(_l("Loại chứng nhận"), choices=[
        ("", _l("— Không có —")), ("vietgap", "VietGAP"), ("globalgap", "GlobalGAP"),
        ("organic", _l("Hữu cơ")), ("other", _l("Khác (ghi tên)"))], validate_choice=False)
    name = StringField(_l("Tên chứng nhận (nếu chọn Khác)"), validators=[Optional(), max_length(80)])
    number = StringField(_l("Số giấy chứng nhận"), validators=[Optional(), max_length(60)])
    issuer = StringField(_l("Nơi cấp"), validators=[Optional(), max_length(120)])
    valid_from = VnDateField(_l("Cấp ngày"), validators=[Optional()])
    valid_until = VnDateField(_l("Hiệu lực đến"), validators=[Optional()])

    def is_empty(self) -> bool:
        return not self.kind.data and not any((f.data or "").strip() for f in (self.name, self.number, self.issuer))


class StepRow(Form):
    id = HiddenField()
    label = StringField(_l("Tên bước"), validators=[Optional(), max_length(120)],
                        render_kw={"placeholder": _l("Ví dụ: Thu hoạch")})
    date_from = VnDateField(_l("Ngày"), validators=[Optional()])
    date_to = VnDateField(_l("Đến ngày (nếu có)"), validators=[Optional()])
    when_text = StringField(_l("Hoặc ghi thời gian"), validators=[Optional(), max_length(60)],
                            render_kw={"placeholder": _l("Ví dụ: đầu tháng 10")})
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), max_length(2000)], render_kw={"rows": 2})
    photo = FileField(_l("Ảnh (tuỳ chọn)"), render_kw={"accept": "image/*"})
    remove_photo = BooleanField(_l("Bỏ ảnh hiện có"))

    def is_empty(self) -> bool:
        has_photo = bool(self.photo.data and getattr(self.photo.data, "filename", ""))
        return not (self.label.data or "").strip() and not self.date_from.data and not self.date_to.data \
            and not (self.when_text.data or "").strip() and not (self.note.data or "").strip() and not has_photo


class BatchForm(FlaskForm):
    code = StringField(_l("Mã lô"), validators=[Optional(), max_length(20)],
                       render_kw={"placeholder": "L2510-01", "autocapitalize": "characters"})
    production_date = VnDateField(_l("Ngày thu hoạch / sản xuất"), validators=[Optional()])
    expiry_date = VnDateField(_l("Hạn sử dụng"), validators=[Optional()])
    area_name = StringField(_l("Vùng nuôi trồng (tên ao, vườn, trại)"), validators=[Optional(), max_length(120)],
                            render_kw={"placeholder": _l("Ví dụ: Ao tôm sinh thái ông Tám")})
    growing_area_code = StringField(_l("Mã số vùng trồng / vùng nuôi"), validators=[Optional(), max_length(40)])
    packing_house_code = StringField(_l("Mã số cơ sở đóng gói"), validators=[Optional(), max_length(40)])
    province_code = SelectField(_l("Tỉnh/Thành phố"), coerce=int_or_none, validate_choice=False)
    ward_code = SelectField(_l("Phường/Xã"), coerce=int_or_none, validate_choice=False)
    certifications = FieldList(FormField(CertificationRow), min_entries=CERTIFICATION_ROWS)
    steps = FieldList(FormField(StepRow), min_entries=STEP_ROWS)

    def fill_choices(self) -> None:
        self.province_code.choices = [("", _l("— Chọn tỉnh/thành —"))] + [
            (int(p.code), short_name(p.name)) for p in provinces()]
        ward_list = wards(self.province_code.data) if self.province_code.data else ()
        self.ward_code.choices = [("", _l("— Chọn phường/xã —"))] + [(int(w.code), w.name) for w in ward_list]

    def fill_from(self, batch) -> None:
        """Rows for what the batch has, plus empty ones to add more."""
        for name, rows, blank in (("certifications", batch.certifications, 1), ("steps", batch.steps, 2)):
            field = getattr(self, name)
            while len(field) > 0:
                field.pop_entry()
            for row in rows:
                if name == "certifications":
                    field.append_entry({"kind": row.kind, "name": row.name, "number": row.number,
                                        "issuer": row.issuer, "valid_from": row.valid_from,
                                        "valid_until": row.valid_until})
                else:
                    field.append_entry({"id": str(row.id), "label": row.label, "date_from": row.date_from,
                                        "date_to": row.date_to, "when_text": row.when_text, "note": row.note})
            for _ in range(blank):
                field.append_entry()

    def data_for_service(self) -> dict:
        certifications = [{
            "kind": row.form.kind.data or None, "name": row.form.name.data, "number": row.form.number.data,
            "issuer": row.form.issuer.data, "valid_from": row.form.valid_from.data,
            "valid_until": row.form.valid_until.data,
        } for row in filled_rows(self.certifications)]
        steps = [{
            "id": int_or_none(row.form.id.data),  # not str.isdigit(): "²" is a digit to it, and int() refuses it
            "label": row.form.label.data, "date_from": row.form.date_from.data,
            "date_to": row.form.date_to.data, "when_text": row.form.when_text.data, "note": row.form.note.data,
            "photo": read_upload(row.form.photo.data), "remove_photo": row.form.remove_photo.data,
        } for row in filled_rows(self.steps)]
        return {
            "code": self.code.data, "production_date": self.production_date.data,
            "expiry_date": self.expiry_date.data, "area_name": self.area_name.data,
            "growing_area_code": self.growing_area_code.data, "packing_house_code": self.packing_house_code.data,
            "province_code": self.province_code.data, "ward_code": self.ward_code.data,
            "certifications": certifications, "steps": steps,
        }

    def error_rows(self) -> dict:
        """For attach_error: the filled rows, in the order the service numbers them."""
        return {"steps": filled_rows(self.steps), "certifications": filled_rows(self.certifications)}

