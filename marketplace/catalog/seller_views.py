"""The seller's side of the catalogue, made for a phone."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..forms import attach_error
from ..media.uploads import read_uploads
from ..orders.services import count_waiting_for_seller
from ..permissions import require_role, role_in
from ..shops import services as shop_services
from ..web import form_status
from . import services
from .forms import VARIANT_ROWS, PhotoForm, ProductForm, StockForm, parse_amount

bp = Blueprint("seller", __name__, url_prefix="/seller")


@bp.before_request
@login_required
def require_login():
    return None


@bp.get("/")
def dashboard():
    shops = shop_services.shops_of(current_user)
    if not shops:
        return render_template("seller/welcome.html")
    chosen = request.args.get("shop")
    shop = next((s for s in shops if s.slug == chosen), shops[0])
    products = services.list_shop_products(shop, current_user)
    return render_template("seller/dashboard.html", shops=shops, shop=shop, products=products,
                           role=role_in(current_user, shop), stock_form=StockForm(),
                           waiting=count_waiting_for_seller(shop.id))


def _product_form(product=None) -> ProductForm:
    form = ProductForm(obj=product)
    form.fill_choices(services.categories_tree())
    if request.method == "GET" and product is not None:
        while len(form.variants) > 0:
            form.variants.pop_entry()
        for variant in product.variants:
            form.variants.append_entry({"id": str(variant.id), "name": variant.name,
                                        "price_vnd": str(variant.price_vnd), "stock": str(variant.stock)})
        form.variants.append_entry()
    while len(form.variants) < VARIANT_ROWS:
        form.variants.append_entry()
    return form


@bp.route("/shops/<slug>/products/new", methods=["GET", "POST"])
def new_product(slug: str):
    shop = shop_services.get_shop(slug)
    require_role(current_user, shop)
    form = _product_form()
    if form.validate_on_submit():
        try:
            product = services.create_product(shop, current_user, **form.product_data())
            _add_photos(product, read_uploads(form.photos.data))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Đã lưu “%(title)s”.", title=product.title), "success")
            return redirect(url_for("seller.dashboard", shop=shop.slug))
    return render_template("seller/product_form.html", form=form, shop=shop, product=None), form_status(form)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id: int):
    product = services.get_product_for_edit(product_id, current_user)
    form = _product_form(product)
    if form.validate_on_submit():
        try:
            services.update_product(product, current_user, form.product_data())
            _add_photos(product, read_uploads(form.photos.data))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Đã lưu “%(title)s”.", title=product.title), "success")
            return redirect(url_for("seller.dashboard", shop=product.shop.slug))
    return render_template("seller/product_form.html", form=form, shop=product.shop, product=product,
                           photo_form=PhotoForm()), form_status(form)


@bp.post("/products/<int:product_id>/photos")
def add_photos(product_id: int):
    product = services.get_product_for_edit(product_id, current_user)
    form = PhotoForm()
    try:
        files = read_uploads(form.photos.data)
        if not files:
            raise DomainError(_("Hãy chọn ít nhất một ảnh."), "photos")
        with db.session.begin_nested():  # all photos of the batch or none
            _add_photos(product, files)
    except DomainError as error:
        flash(error.message, "error")
        return _to_photos(product)
    flash(_("Đã thêm ảnh."), "success")
    return _to_photos(product)


@bp.post("/products/<int:product_id>/photos/<int:photo_id>/remove")
def remove_photo(product_id: int, photo_id: int):
    return _on_photo(product_id, photo_id, services.remove_photo, _("Đã xoá ảnh."))


@bp.post("/products/<int:product_id>/photos/<int:photo_id>/cover")
def make_cover(product_id: int, photo_id: int):
    return _on_photo(product_id, photo_id, services.make_cover)


def _on_photo(product_id: int, photo_id: int, act, done: str | None = None):
    product = services.get_product_for_edit(product_id, current_user)
    act(product, current_user, photo_id)
    if done:
        flash(done, "info")
    return _to_photos(product)


def _add_photos(product, files: list[bytes]) -> None:
    for data in files:
        services.add_photo(product, current_user, data)


def _to_photos(product):
    """Back to the product's edit page, where its photos are."""
    return redirect(url_for("seller.edit_product", product_id=product.id))


@bp.post("/products/<int:product_id>/status")
def set_status(product_id: int):
    product = services.get_product_for_edit(product_id, current_user)
    status = request.form.get("status", "")
    services.set_status(product, current_user, status)
    messages = {"active": _("Sản phẩm đang được bán."), "hidden": _("Sản phẩm đã được ẩn."),
                "draft": _("Sản phẩm đã chuyển về nháp.")}
    flash(messages[status], "success")
    return redirect(url_for("seller.dashboard", shop=product.shop.slug))


@bp.post("/products/<int:product_id>/delete")
def delete_product(product_id: int):
    product = services.get_product_for_edit(product_id, current_user)
    services.delete_product(product, current_user)
    flash(_("Đã xoá “%(title)s”.", title=product.title), "info")
    return redirect(url_for("seller.dashboard", shop=product.shop.slug))


@bp.post("/variants/<int:variant_id>/stock")
def set_stock(variant_id: int):
    variant = services.get_variant_for_edit(variant_id, current_user)
    back = url_for("seller.dashboard", shop=variant.product.shop.slug) + f"#v{variant.id}"
    try:
        with db.session.begin_nested():
            services.set_stock(variant, current_user, parse_amount(StockForm().stock.data))
    except DomainError as error:
        flash(f"{variant.product.title} ({variant.name}): {error.message}", "error")
        return redirect(back)
    flash(_("Đã cập nhật: %(product)s (%(variant)s) còn %(n)s.", product=variant.product.title,
            variant=variant.name, n=variant.stock), "success")
    return redirect(back)
