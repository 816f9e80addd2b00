"""OCOP pages: the seller's claim (under the seller's product pages), the private certificate, the admins'
queue, and the template helpers that put the badge on product pages and cards."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..catalog.services import get_product_for_edit
from ..errors import DomainError
from ..forms import attach_error
from ..media.uploads import read_upload
from ..permissions import admin_required
from ..web import form_status, page_arg
from . import certificates, services
from .forms import ClaimForm, DecideForm, RejectForm
from .models import PENDING, STATUSES

bp = Blueprint("ocop", __name__)

QUEUE_PER_PAGE = 20


# --- the badge, for every template -------------------------------------------------------

@bp.app_template_global()
def ocop_rating(product):
    """The product page's badge: the current rating or None."""
    return services.current_rating(product)


@bp.app_template_global()
def ocop_ratings(products) -> dict:
    """Badges for a list of cards, in one query: {product id: claim}."""
    return services.current_ratings(p.id for p in products)


@bp.app_template_global()
def ocop_pending_count() -> int:
    return services.pending_count()


@bp.app_template_filter("stars")
def stars_filter(count: int) -> str:
    return "★" * int(count or 0)


# --- the seller's claim -----------------------------------------------------------------

@bp.route("/seller/products/<int:product_id>/ocop", methods=["GET", "POST"])
@login_required
def claim(product_id: int):
    product = get_product_for_edit(product_id, current_user)
    claim = services.get_claim_for_seller(product, current_user)
    form = ClaimForm(obj=claim if request.method == "GET" else None)
    form.fill_choices(services.group_labels())
    if request.method == "GET":
        if claim is None:
            form.product_group.data = product.category.ocop_group if product.category else None
        else:
            form.stars.data = str(claim.stars)
            form.decided_on.data = claim.decided_on.isoformat()
            form.expires_on.data = claim.expires_on.isoformat()
    if form.validate_on_submit():
        try:
            data = form.data_for_service()
            certificate = read_upload(form.certificate.data, "MAX_CERTIFICATE_BYTES")
            if claim is None:
                claim = services.submit_claim(product, current_user, data, certificate)
                flash(_("Đã gửi hồ sơ OCOP. Quản trị viên sẽ kiểm tra giấy chứng nhận."), "success")
            else:
                was = claim.status
                services.update_claim(claim, current_user, data, certificate)
                if claim.status == PENDING and was != PENDING:
                    flash(_("Đã gửi lại hồ sơ OCOP để quản trị viên duyệt."), "success")
                else:
                    flash(_("Đã lưu hồ sơ OCOP."), "success")
        except DomainError as error:
            attach_error(form, error)
        else:
            return redirect(url_for("ocop.claim", product_id=product.id))
    return render_template("ocop/claim.html", form=form, product=product, claim=claim,
                           groups=services.group_labels(), statuses=services.status_labels(),
                           proposed_months=services.RATING_MONTHS, withdraw_form=DecideForm()), form_status(form)


@bp.post("/seller/products/<int:product_id>/ocop/withdraw")
@login_required
def withdraw(product_id: int):
    product = get_product_for_edit(product_id, current_user)
    claim = services.get_claim_for_seller(product, current_user)
    if claim is None or not DecideForm().validate_on_submit():
        abort(400)
    services.withdraw_claim(claim, current_user)
    flash(_("Đã rút hồ sơ OCOP."), "info")
    return redirect(url_for("ocop.claim", product_id=product.id))


@bp.get("/ocop/claims/<int:claim_id>/certificate")
@login_required
def certificate(claim_id: int):
    """Private: the shop's members and the admins only (404 for anyone else). Never cached by a shared
    cache; a PDF is always downloaded (`attachment`), an image shown inline as the image type we wrote."""
    claim = services.certificate_for(claim_id, current_user)
    try:
        path = certificates.path_of(claim.certificate_key)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    is_pdf = claim.certificate_type == certificates.PDF
    extension = certificates.EXTENSIONS[claim.certificate_type]
    response = send_file(path, mimetype=claim.certificate_type, as_attachment=is_pdf,
                         download_name=f"ocop-{claim.product_id}.{extension}", conditional=True, max_age=0)
    response.cache_control.private = True
    response.cache_control.no_store = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the admins' queue --------------------------------------------------------------------

def _queue_page(reject_forms: dict | None = None, status_code: int = 200):
    status = request.args.get("status", PENDING)
    if status not in (*STATUSES, "all"):
        status = PENDING
    page = page_arg()
    claims, total = services.queue(None if status == "all" else status, page=page, per_page=QUEUE_PER_PAGE)
    reject_forms = reject_forms or {}
    return render_template(
        "ocop/queue.html", claims=claims, total=total, page=page, per_page=QUEUE_PER_PAGE, status=status,
        statuses=services.status_labels(), groups=services.group_labels(), decide_form=DecideForm(),
        reject_forms={c.id: reject_forms.get(c.id) or RejectForm(formdata=None, prefix=f"c{c.id}") for c in claims},
    ), status_code


@bp.get("/admin/ocop")
@admin_required
def queue():
    return _queue_page()


@bp.post("/admin/ocop/<int:claim_id>/approve")
@admin_required
def approve(claim_id: int):
    if not DecideForm().validate_on_submit():
        abort(400)
    # `seen`: the claim as the queue page showed it; one the shop changed since is refused (409)
    claim = services.approve(services.get_claim(claim_id), current_user, seen=request.form.get("seen"))
    flash(_("Đã duyệt OCOP %(stars)d sao cho “%(title)s”.", stars=claim.stars, title=claim.product.title),
          "success")
    return redirect(url_for("ocop.queue", status=request.args.get("status") or None))


@bp.post("/admin/ocop/<int:claim_id>/reject")
@admin_required
def reject(claim_id: int):
    form = RejectForm(prefix=f"c{claim_id}")  # one reason box per claim on the page, each its own id
    claim = services.get_claim(claim_id)
    if form.validate_on_submit():
        try:
            services.reject(claim, current_user, form.reason.data)
        except DomainError as error:
            if error.status != 422:
                raise
            attach_error(form, error)
        else:
            flash(_("Đã từ chối hồ sơ OCOP của “%(title)s”.", title=claim.product.title), "info")
            return redirect(url_for("ocop.queue", status=request.args.get("status") or None))
    return _queue_page({claim.id: form}, 422)
