from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from ..forms import filled_rows, max_length
from .units import UNITS

REQUIRED = _l("Vui lòng điền mục này.")
VARIANT_ROWS = 3


def parse_amount(value: str | None):
    """Sellers write '125.000', '125 000' or '125000đ': keep the digits and the sign."""
    text = (value or "").strip().lower().replace("₫", "").replace("đ", "").replace("d", "")
    for sep in (".", ",", " ", "\u00a0"):
        text = text.replace(sep, "")
    return text


class VariantRow(Form):
    id = HiddenField()
    name = StringField(_l("Loại"), validators=[Optional(), max_length(60)])
    price_vnd = StringField(_l("Giá (đồng)"), render_kw={"inputmode": "numeric"})
    stock = StringField(_l("Còn bao nhiêu"), render_kw={"inputmode": "numeric"})

    def is_empty(self) -> bool:
        return not any((self.name.data or "").strip() or (f.data or "").strip() for f in (self.price_vnd, self.stock))


class ProductForm(FlaskForm):
    title = StringField(_l("Tên sản phẩm"), validators=[DataRequired(REQUIRED), max_length(200)],
                        render_kw={"placeholder": _l("Ví dụ: Tôm khô Cà Mau loại 1")})
    category_id = SelectField(_l("Danh mục"), coerce=lambda v: int(v) if str(v).isdigit() else None,
                              validate_choice=False)
    unit = SelectField(_l("Bán theo"), choices=[(u, u) for u in UNITS], validate_choice=False)
    description = TextAreaField(_l("Mô tả"), validators=[Optional(), max_length(5000)], render_kw={"rows": 5})
    variants = FieldList(FormField(VariantRow), min_entries=VARIANT_ROWS)
    status = SelectField(_l("Trạng thái"), choices=[("active", _l("Đăng bán ngay")), ("draft", _l("Lưu nháp")),
                                                   ("hidden", _l("Tạm ẩn"))], validate_choice=False)
    gtin = StringField(_l("Mã vạch GTIN (nếu có)"), validators=[Optional(), max_length(20)],
                       render_kw={"inputmode": "numeric", "placeholder": "8931234567897"})
    photos = MultipleFileField(_l("Ảnh sản phẩm (tối đa 8, ảnh đầu là ảnh bìa)"), render_kw={"accept": "image/*"})

    error_names = {"file": "photos"}  # for attach_error: a photo's refusal names the service's `file`

    def error_rows(self) -> dict:
        return {"variants": filled_rows(self.variants)}

    def fill_choices(self, categories) -> None:
        groups = {}
        for top in categories:
            groups[top.display_name] = [(top.id, top.display_name)] + [(c.id, c.display_name) for c in top.children]
        self.category_id.choices = groups

    def product_data(self) -> dict:
        """What catalog.services.create_product and update_product take."""
        return {"title": self.title.data, "category_id": self.category_id.data, "unit": self.unit.data,
                "description": self.description.data, "status": self.status.data,
                "variants": self.variant_data(), "gtin": self.gtin.data}

    def variant_data(self) -> list[dict]:
        return [{
            "id": int(row.form.id.data) if (row.form.id.data or "").isdigit() else None,
            "name": row.form.name.data,
            "price_vnd": parse_amount(row.form.price_vnd.data),
            "stock": parse_amount(row.form.stock.data) or "0",
        } for row in filled_rows(self.variants)]


class PhotoForm(FlaskForm):
    photos = MultipleFileField(_l("Thêm ảnh"), render_kw={"accept": "image/*"})


class StockForm(FlaskForm):
    stock = StringField(_l("Còn"), render_kw={"inputmode": "numeric"})
