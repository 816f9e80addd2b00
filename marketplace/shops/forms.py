from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from ..forms import int_or_none, max_length
from .banks import bank_choices
from .locations import provinces, short_name, wards

REQUIRED = _l("Vui lòng điền mục này.")


class ShopForm(FlaskForm):
    name = StringField(_l("Tên gian hàng"), validators=[DataRequired(REQUIRED), max_length(120)],
                       render_kw={"placeholder": _l("Ví dụ: Tôm khô Đất Mũi")})
    description = TextAreaField(_l("Giới thiệu gian hàng"), validators=[Optional(), max_length(5000)],
                                render_kw={"rows": 4})
    province_code = SelectField(_l("Tỉnh/Thành phố"), coerce=int_or_none, validate_choice=False)
    ward_code = SelectField(_l("Phường/Xã"), coerce=int_or_none, validate_choice=False)
    address = StringField(_l("Số nhà, đường, ấp"), validators=[DataRequired(REQUIRED), max_length(255)])
    phone = StringField(_l("Số điện thoại"), validators=[DataRequired(REQUIRED), max_length(30)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    zalo = StringField(_l("Số Zalo (nếu khác)"), validators=[Optional(), max_length(30)],
                       render_kw={"inputmode": "tel"})
    shipping_fee_vnd = IntegerField(_l("Phí giao hàng mỗi đơn (đồng)"), validators=[Optional()],
                                    render_kw={"inputmode": "numeric", "placeholder": _l("Để trống nếu không thu")})
    free_shipping_from_vnd = IntegerField(_l("Miễn phí giao hàng cho đơn từ (đồng)"), validators=[Optional()],
                                          render_kw={"inputmode": "numeric",
                                                     "placeholder": _l("Để trống nếu không miễn phí")})
    logo = FileField(_l("Ảnh đại diện (logo)"), render_kw={"accept": "image/*"})
    cover = FileField(_l("Ảnh bìa"), render_kw={"accept": "image/*"})

    def fill_choices(self) -> None:
        self.province_code.choices = [("", _l("— Chọn tỉnh/thành —"))] + [
            (int(p.code), short_name(p.name)) for p in provinces()]
        ward_list = wards(self.province_code.data) if self.province_code.data else ()
        self.ward_code.choices = [("", _l("— Chọn phường/xã —"))] + [(int(w.code), w.name) for w in ward_list]


class ShopEditForm(ShopForm):
    slug = StringField(_l("Địa chỉ gian hàng (chữ thường không dấu)"), validators=[Optional(), max_length(80)])


class BankForm(FlaskForm):
    bank_bin = SelectField(_l("Ngân hàng"), validate_choice=False)
    bank_account_number = StringField(_l("Số tài khoản"), validators=[Optional(), max_length(30)],
                                      render_kw={"inputmode": "numeric"})
    bank_account_name = StringField(_l("Tên chủ tài khoản"), validators=[Optional(), max_length(100)])

    def fill_choices(self) -> None:
        self.bank_bin.choices = [("", _l("— Chọn ngân hàng —"))] + bank_choices()


class MemberForm(FlaskForm):
    login = StringField(_l("Số điện thoại hoặc email của người giúp"), validators=[DataRequired(REQUIRED),
                                                                                 max_length(254)])
