from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ..forms import int_or_none, max_length
from ..shops.locations import provinces, short_name, wards

ADDRESS_FIELDS = ("recipient", "phone", "province_code", "ward_code", "street")


class CheckoutForm(FlaskForm):
    """Checked by orders.services.place_checkout; errors come back under `address.<name>`."""

    error_names = {f"address.{name}": name for name in ADDRESS_FIELDS}  # for attach_error

    recipient = StringField(_l("Người nhận"), validators=[max_length(100)], render_kw={"autocomplete": "name"})
    phone = StringField(_l("Số điện thoại"), validators=[max_length(30)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    province_code = SelectField(_l("Tỉnh/Thành phố"), coerce=int_or_none, validate_choice=False)
    ward_code = SelectField(_l("Phường/Xã"), coerce=int_or_none, validate_choice=False)
    street = StringField(_l("Số nhà, đường, ấp"), validators=[max_length(255)],
                         render_kw={"autocomplete": "street-address"})
    note = TextAreaField(_l("Lời nhắn cho người bán"), validators=[Optional(), max_length(1000)],
                         render_kw={"rows": 2})
    payment_method = RadioField(_l("Thanh toán"), validate_choice=False)

    def fill_choices(self, methods) -> None:
        """`methods`: the enabled payment methods (marketplace.payments), the first one preselected."""
        self.province_code.choices = [("", _l("— Chọn tỉnh/thành —"))] + [
            (int(p.code), short_name(p.name)) for p in provinces()]
        ward_list = wards(self.province_code.data) if self.province_code.data else ()
        self.ward_code.choices = [("", _l("— Chọn phường/xã —"))] + [(int(w.code), w.name) for w in ward_list]
        self.payment_method.choices = [(m.name, f"{m.icon} {m.label}") for m in methods]
        if not self.payment_method.data and methods:
            self.payment_method.data = methods[0].name

    def address(self) -> dict:
        return {name: getattr(self, name).data for name in ADDRESS_FIELDS}


class FindOrderForm(FlaskForm):
    code = StringField(_l("Mã đơn hàng"), validators=[max_length(20)], render_kw={"placeholder": "CQ-7K3F9A"})
    phone = StringField(_l("Số điện thoại đặt hàng"), validators=[max_length(30)], render_kw={"inputmode": "tel"})


class ShipForm(FlaskForm):
    carrier = StringField(_l("Đơn vị giao hàng"), validators=[max_length(100)],
                          render_kw={"placeholder": _l("Ví dụ: Viettel Post, tự giao")})
    tracking = StringField(_l("Mã vận đơn / ghi chú"), validators=[Optional(), max_length(200)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Lý do huỷ"), validators=[Optional(), max_length(500)], render_kw={"rows": 2})
