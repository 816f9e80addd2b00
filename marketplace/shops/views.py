from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..cache import cached_page
from ..catalog.services import list_public_products
from ..errors import DomainError
from ..forms import attach_error
from ..media.services import save_image
from ..media.uploads import read_upload
from ..phones import display_phone
from ..web import form_status, page_arg
from . import services
from .forms import BankForm, MemberForm, ShopEditForm, ShopForm
from .locations import provinces, short_name, wards

bp = Blueprint("shops", __name__)

PER_PAGE = 24


@bp.get("/shops")
@cached_page
def directory():
    province_code, page = request.args.get("province", type=int), page_arg()
    shops, total = services.list_public_shops(province_code, page, PER_PAGE)
    counts = services.province_shop_counts()
    province_list = [(int(p.code), short_name(p.name), counts.get(int(p.code), 0)) for p in provinces()]
    return render_template("shops/directory.html", shops=shops, total=total, page=page, per_page=PER_PAGE,
                           provinces=province_list, province_code=province_code)


@bp.get("/shops/<slug>")
@cached_page
def storefront(slug: str):
    shop, page = services.get_public_shop(slug), page_arg()
    products, total = list_public_products(shop=shop, page=page, per_page=PER_PAGE)
    return render_template("shops/storefront.html", shop=shop, products=products, total=total,
                           page=page, per_page=PER_PAGE, role=services.role_in(current_user, shop))


@bp.get("/locations/<int:province_code>/wards")
def ward_options(province_code: int):
    """Used by the shop and address forms to fill the ward list without a page reload."""
    return jsonify([{"code": int(w.code), "name": w.name} for w in wards(province_code)])


def _save_shop_images(form, shop) -> None:
    for which in ("logo", "cover"):
        data = read_upload(getattr(form, which).data)
        if data is not None:
            try:
                services.set_shop_image(shop, current_user, which, save_image(data, uploaded_by=current_user))
            except DomainError as error:
                raise DomainError(error.message, which) from None


@bp.route("/seller/shops/new", methods=["GET", "POST"])
@login_required
def new_shop():
    form = ShopForm()
    if request.method == "GET":
        form.phone.data = display_phone(current_user.phone)
    form.fill_choices()
    if form.validate_on_submit():
        try:
            shop = services.open_shop(current_user, {f: getattr(form, f).data for f in services.PROFILE_FIELDS
                                                     if f in form._fields})
            _save_shop_images(form, shop)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Gian hàng “%(name)s” đã mở. Hãy đăng sản phẩm đầu tiên!", name=shop.name), "success")
            return redirect(url_for("seller.new_product", slug=shop.slug))
    return render_template("shops/form.html", form=form, shop=None), form_status(form)


@bp.route("/seller/shops/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_shop(slug: str):
    shop = services.get_shop(slug)
    services.require_role(current_user, shop)
    form = ShopEditForm(obj=shop)
    if request.method == "GET":
        form.phone.data, form.zalo.data = display_phone(shop.phone), display_phone(shop.zalo)
    form.fill_choices()
    if form.validate_on_submit():
        try:
            services.update_shop(shop, current_user, {f: getattr(form, f).data for f in services.PROFILE_FIELDS
                                                      if f in form._fields})
            _save_shop_images(form, shop)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Đã lưu thông tin gian hàng."), "success")
            return redirect(url_for("seller.dashboard", shop=shop.slug))
    return render_template("shops/form.html", form=form, shop=shop), form_status(form)


@bp.route("/seller/shops/<slug>/bank", methods=["GET", "POST"])
@login_required
def bank(slug: str):
    shop = services.get_shop(slug)
    services.require_role(current_user, shop, services.OWNER)
    form = BankForm(obj=shop)
    form.fill_choices()
    if form.validate_on_submit():
        try:
            services.set_bank_account(shop, current_user, form.bank_bin.data, form.bank_account_number.data,
                                      form.bank_account_name.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Đã lưu tài khoản ngân hàng."), "success")
            return redirect(url_for("seller.dashboard", shop=shop.slug))
    return render_template("shops/bank.html", form=form, shop=shop), form_status(form)


@bp.route("/seller/shops/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug: str):
    shop = services.get_shop(slug)
    services.require_role(current_user, shop, services.OWNER)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member = services.add_manager(shop, current_user, form.login.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("%(name)s có thể giúp quản lý gian hàng.", name=member.user.name), "success")
            return redirect(url_for("shops.members", slug=shop.slug))
    return render_template("shops/members.html", form=form, shop=shop), form_status(form)


@bp.post("/seller/shops/<slug>/members/<int:member_id>/remove")
@login_required
def remove_member(slug: str, member_id: int):
    shop = services.get_shop(slug)
    services.remove_member(shop, current_user, member_id)
    flash(_("Đã xoá người giúp khỏi gian hàng."), "info")
    return redirect(url_for("shops.members", slug=shop.slug))
