"""Admin pages under /admin. Every route here is admin-only, checked on the server.

A refused action (already verified, the last admin, a category still in use...) is flashed in
Vietnamese and changes nothing; a form with a missing reason is shown again with a 422.
"""

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import services as audit_services
from ..errors import DomainError
from ..extensions import db
from ..forms import attach_error
from ..permissions import admin_required
from ..utils import is_safe_next
from ..web import form_status, page_arg
from . import categories as category_services
from . import figures as figure_services
from . import moderation
from . import users as user_services
from .forms import CategoryForm, NoteForm, ReasonForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50
LIST_PER_PAGE = 30


def _act(action: Callable[[], object], done: str, back: str):
    """Run one decision; on a refusal nothing is kept (its savepoint rolls back) and the admin reads why."""
    try:
        with db.session.begin_nested():
            action()
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(back)


def _switch(field: str, decide: Callable[[bool, str | None], object], done: tuple[str, str], back: str):
    """A yes/no decision from a button (its `field` is "1" for yes) with the note the admin may add; back to
    the list the admin came from, else to `back`. `done`: what the admin reads after a yes, after a no."""
    yes = request.form.get(field) == "1"
    return _act(lambda: decide(yes, NoteForm().note.data), done[0] if yes else done[1], _back(back))


def _with_reason(decide: Callable[[str], object], done: str, back: str, template: str, **context):
    """A decision that needs a written reason: done and back to `back`, or its form again (422) with the
    refusal beside the reason."""
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            decide(form.reason.data)
        except DomainError as error:
            attach_error(form, error, "reason")
        else:
            flash(done, "success")
            return redirect(back)
    return render_template(template, form=form, **context), form_status(form)


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html")


@bp.get("/audit")
@admin_required
def audit():
    page = page_arg()
    entries, total = audit_services.audit_entries(page=page, per_page=PER_PAGE)
    return render_template("admin/audit.html", entries=entries, total=total, page=page, per_page=PER_PAGE,
                           actions=audit_services.action_labels())


# --- shops: verification and moderation -------------------------------------------------

@bp.get("/shops")
@admin_required
def shops():
    return _search_page("admin/shops.html", "shops", moderation.list_shops, moderation.SHOP_FILTERS,
                        lambda found: {"counts": moderation.product_counts([s.id for s in found])})


def _search_page(template: str, name: str, find, filters, more=lambda found: {}):
    """A list the admin searches (`?q=`), filters (`?show=`, one of `filters`) and pages through."""
    page, q, show = page_arg(), request.args.get("q", ""), request.args.get("show", "")
    show = show if show in filters else ""
    found, total = find(q=q, show=show, page=page, per_page=LIST_PER_PAGE)
    return render_template(template, **{name: found}, total=total, page=page, per_page=LIST_PER_PAGE,
                           q=q, show=show, **more(found))


@bp.get("/shops/<int:shop_id>")
@admin_required
def shop(shop_id: int):
    found = moderation.get_shop(shop_id)
    return render_template("admin/shop.html", shop=found, products=moderation.shop_products(found),
                           note_form=NoteForm())


@bp.post("/shops/<int:shop_id>/verify")
@admin_required
def verify_shop(shop_id: int):
    found = moderation.get_shop(shop_id)
    return _switch("verified", lambda verified, note: moderation.set_verified(found, current_user, verified, note),
                   (_("Đã xác minh gian hàng %(name)s.", name=found.name),
                    _("Đã bỏ xác minh gian hàng %(name)s.", name=found.name)), url_for("admin.shop", shop_id=found.id))


@bp.route("/shops/<int:shop_id>/hide", methods=["GET", "POST"])
@admin_required
def hide_shop(shop_id: int):
    found = moderation.get_shop(shop_id)
    return _with_reason(lambda reason: moderation.hide_shop(found, current_user, reason),
                        _("Đã ẩn gian hàng %(name)s và các sản phẩm của nó.", name=found.name),
                        url_for("admin.shop", shop_id=found.id), "admin/hide.html", shop=found, product=None)


@bp.post("/shops/<int:shop_id>/unhide")
@admin_required
def unhide_shop(shop_id: int):
    found = moderation.get_shop(shop_id)
    return _act(lambda: moderation.unhide_shop(found, current_user, NoteForm().note.data),
                _("Gian hàng %(name)s đã hiện lại.", name=found.name), url_for("admin.shop", shop_id=found.id))


@bp.route("/products/<int:product_id>/hide", methods=["GET", "POST"])
@admin_required
def hide_product(product_id: int):
    product = moderation.get_product(product_id)
    return _with_reason(lambda reason: moderation.hide_product(product, current_user, reason),
                        _("Đã ẩn sản phẩm “%(title)s”.", title=product.title),
                        url_for("admin.shop", shop_id=product.shop_id) + f"#p{product.id}", "admin/hide.html",
                        shop=product.shop, product=product)


@bp.post("/products/<int:product_id>/unhide")
@admin_required
def unhide_product(product_id: int):
    product = moderation.get_product(product_id)
    return _act(lambda: moderation.unhide_product(product, current_user, NoteForm().note.data),
                _("Sản phẩm “%(title)s” đã hiện lại.", title=product.title),
                url_for("admin.shop", shop_id=product.shop_id) + f"#p{product.id}")


def _back(default: str) -> str:
    """Back to the list the admin came from (a path on this site only), else the default."""
    target = request.form.get("next")
    return target if is_safe_next(target) else default


# --- categories -------------------------------------------------------------------------

@bp.route("/categories", methods=["GET", "POST"])
@admin_required
def categories():
    top = category_services.tree()
    form = CategoryForm()
    form.fill_choices(top)
    if form.validate_on_submit():
        try:
            category = category_services.add_category(current_user, name=form.name.data, name_en=form.name_en.data,
                                                      slug=form.slug.data, parent_id=form.parent_id.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Đã thêm danh mục “%(name)s”.", name=category.name), "success")
            return redirect(url_for("admin.categories") + f"#c{category.id}")
    return render_template("admin/categories.html", tree=top, form=form,
                           counts=category_services.product_counts()), form_status(form)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_category(category_id: int):
    category = category_services.get_category(category_id)
    form = CategoryForm(obj=category)
    if request.method == "GET":
        form.parent_id.data = str(category.parent_id or "")
    form.fill_choices(category_services.tree(), exclude_id=category.id)
    if form.validate_on_submit():
        try:
            category_services.update_category(category, current_user, name=form.name.data,
                                              name_en=form.name_en.data, slug=form.slug.data,
                                              parent_id=form.parent_id.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Đã lưu danh mục “%(name)s”.", name=category.name), "success")
            return redirect(url_for("admin.categories") + f"#c{category.id}")
    return render_template("admin/category_form.html", form=form, category=category), form_status(form)


@bp.post("/categories/<int:category_id>/move")
@admin_required
def move_category(category_id: int):
    category = category_services.get_category(category_id)
    return _act(lambda: category_services.move(category, current_user, request.form.get("direction", "")),
                _("Đã đổi thứ tự danh mục “%(name)s”.", name=category.name),
                url_for("admin.categories") + f"#c{category.id}")


@bp.post("/categories/<int:category_id>/delete")
@admin_required
def delete_category(category_id: int):
    category = category_services.get_category(category_id)
    name = category.name
    return _act(lambda: category_services.delete_category(category, current_user),
                _("Đã xoá danh mục “%(name)s”.", name=name), url_for("admin.categories"))


# --- accounts and roles -------------------------------------------------------------------

@bp.get("/users")
@admin_required
def users():
    return _search_page("admin/users.html", "users", user_services.list_users, user_services.USER_FILTERS)


@bp.post("/users/<int:user_id>/admin")
@admin_required
def set_admin(user_id: int):
    user = user_services.get_user(user_id)
    return _switch("make", lambda make, note: user_services.set_admin(user, current_user, make, note),
                   (_("%(name)s giờ là quản trị viên.", name=user.name),
                    _("Đã bỏ quyền quản trị của %(name)s.", name=user.name)),
                   url_for("admin.users", q=user.login_label))


@bp.route("/users/<int:user_id>/disable", methods=["GET", "POST"])
@admin_required
def disable_user(user_id: int):
    user = user_services.get_user(user_id)
    return _with_reason(lambda reason: user_services.set_active(user, current_user, False, reason),
                        _("Đã khoá tài khoản %(name)s.", name=user.name),
                        url_for("admin.users", q=user.login_label), "admin/disable.html", user=user)


@bp.post("/users/<int:user_id>/enable")
@admin_required
def enable_user(user_id: int):
    user = user_services.get_user(user_id)
    return _act(lambda: user_services.set_active(user, current_user, True, NoteForm().note.data),
                _("Đã mở khoá tài khoản %(name)s.", name=user.name),
                _back(url_for("admin.users", q=user.login_label)))


# --- figures ------------------------------------------------------------------------------

def short_vnd(amount: int) -> str:
    """'12,3 triệu': what fits at the end of a bar; the table below the charts has the exact sums."""
    for size, unit in ((1_000_000_000, _("tỷ")), (1_000_000, _("triệu")), (1_000, _("nghìn"))):
        if amount >= size:
            return f"{format_decimal(amount / size, format='#,##0.#')} {unit}"
    return format_decimal(amount)


@bp.get("/figures")
@admin_required
def figures():
    f = figure_services.figures()
    charts = {
        "orders": [{"label": m.label, "value": m.orders, "text": str(m.orders)} for m in f["months"]],
        "sales": [{"label": m.label, "value": m.sales_vnd, "text": short_vnd(m.sales_vnd)} for m in f["months"]],
        "provinces": [{"label": p.name, "value": p.sales_vnd,
                       "text": _("%(sales)s · %(n)d đơn", sales=short_vnd(p.sales_vnd), n=p.orders)}
                      for p in f["provinces"]],
    }
    return render_template("admin/figures.html", f=f, charts=charts)
