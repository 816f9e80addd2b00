from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from ..forms import max_length

REQUIRED = _l("Vui lòng điền mục này.")


class RegisterForm(FlaskForm):
    error_names = {"phone": "login", "email": "login"}  # for attach_error: one box takes either
    name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), max_length(100)])
    login = StringField(
        _l("Số điện thoại hoặc email"),
        validators=[DataRequired(REQUIRED), max_length(254)],
        render_kw={"autocomplete": "username", "inputmode": "tel"},
    )
    password = PasswordField(
        _l("Mật khẩu (ít nhất 8 ký tự)"),
        validators=[DataRequired(REQUIRED), max_length(200)],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    login = StringField(
        _l("Số điện thoại hoặc email"),
        validators=[DataRequired(REQUIRED), max_length(254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED), max_length(200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"), default=True)


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(REQUIRED), max_length(200)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", _l("Hai mật khẩu không khớp."))],
        render_kw={"autocomplete": "new-password"},
    )
