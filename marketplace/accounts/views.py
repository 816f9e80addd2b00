from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..forms import attach_error
from ..utils import is_safe_next
from ..web import form_status
from . import limits, services
from .forms import LoginForm, PasswordForm, RegisterForm

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _next_url(default: str) -> str:
    target = request.args.get("next")
    return target if is_safe_next(target) else default


def _take_over_guest_cart(user) -> None:
    """What the visitor put in the cart before signing in is kept: it joins the account's cart."""
    from ..cart.services import SESSION_KEY, merge_guest_cart

    token = session.pop(SESSION_KEY, None)
    if token:
        merge_guest_cart(token, user.id)


@bp.route("/register", methods=["GET", "POST"])
@limits.new_accounts
def register():
    if current_user.is_authenticated:
        return redirect(url_for("catalog.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        login = form.login.data.strip()
        contact = {"email": login} if "@" in login else {"phone": login}
        try:
            user = services.register_user(name=form.name.data, password=form.password.data, **contact)
        except DomainError as error:
            attach_error(form, error)
        else:
            login_user(user, remember=True)
            _take_over_guest_cart(user)
            flash(_("Chào mừng %(name)s! Tài khoản đã được tạo.", name=user.name), "success")
            return redirect(_next_url(url_for("seller.dashboard")))
    return render_template("accounts/register.html", form=form), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
@limits.per_address
@limits.per_account
def login():
    if current_user.is_authenticated:
        return redirect(_next_url(url_for("catalog.home")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is None:
            attach_error(form, DomainError(_("Sai số điện thoại/email hoặc mật khẩu.")))
        else:
            login_user(user, remember=form.remember.data)
            _take_over_guest_cart(user)
            return redirect(_next_url(url_for("catalog.home")))
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("catalog.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            login_user(current_user._get_current_object())  # this browser stays signed in
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("seller.dashboard"))
    return render_template("accounts/password.html", form=form), form_status(form)


@bp.get("/lang/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_next_url(url_for("catalog.home")))
