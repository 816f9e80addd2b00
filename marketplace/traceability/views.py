"""Traceability pages: the public trace page a label's QR code opens, and the seller's batches and labels."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound as PageNotFound

from ..cache import serve_shared, set_page_values
from ..catalog import services as catalog_services
from ..errors import DomainError, NotFound
from ..forms import attach_error
from ..web import form_status
from . import services
from .forms import BatchForm

bp = Blueprint("trace", __name__)
seller_bp = Blueprint("trace_seller", __name__, url_prefix="/seller")


# --- public ------------------------------------------------------------------------------

def _find(lookup, *args):
    """A buyer's scan that finds nothing gets the site's "not found" page with the reason (bad GTIN...)."""
    try:
        return lookup(*args)
    except NotFound as error:
        raise PageNotFound(error.message) from None


def _trace_page(batch, printed_expiry=None):
    # Counted on every look, cached page or not: the count is the one part of the page that is this look's.
    scans = services.record_scan(batch, current_user) if request.method == "GET" else batch.scan_count
    set_page_values(scan_count=scans)  # a HEAD (link checkers, previews) is nobody reading the page
    return serve_shared(lambda: render_template("traceability/trace.html", batch=batch,
                                                trace=services.trace_data(batch), printed_expiry=printed_expiry))


@bp.get("/t/<public_code>")
def short(public_code: str):
    return _trace_page(_find(services.get_by_public_code, public_code))


@bp.get("/01/<gtin>/10/<lot>")
def gs1(gtin: str, lot: str):
    """GS1 Digital Link: /01/{GTIN}/10/{lot}[?17=YYMMDD]; the database's expiry wins over the link's."""
    batch = _find(services.get_by_gs1, gtin, lot)
    return _trace_page(batch, services.ai17_mismatch(batch, request.args.get("17")))


@bp.get("/t/<public_code>/qr.png")
def qr_png(public_code: str):
    """Public like the page it points to: the image says nothing the code in its URL does not."""
    batch = _find(services.get_by_public_code, public_code)
    scale = min(max(request.args.get("scale", 8, type=int) or 8, 2), 20)
    return Response(services.qr_png(batch, scale), mimetype="image/png",
                    headers={"Cache-Control": "private, max-age=300"})


@bp.get("/t/<public_code>/qr.svg")
def qr_svg(public_code: str):
    batch = _find(services.get_by_public_code, public_code)
    return Response(services.qr_svg(batch), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=300"})


# --- the seller's batches ------------------------------------------------------------------

@seller_bp.before_request
@login_required
def require_login():
    return None


@seller_bp.get("/products/<int:product_id>/batches")
def batches(product_id: int):
    product = catalog_services.get_product_for_edit(product_id, current_user)
    return render_template("traceability/batches.html", product=product,
                           batches=services.list_batches(product, current_user))


def _form(batch=None) -> BatchForm:
    form = BatchForm(obj=batch)
    if request.method == "GET" and batch is not None:
        form.fill_from(batch)
    form.fill_choices()
    return form


@seller_bp.route("/products/<int:product_id>/batches/new", methods=["GET", "POST"])
def new_batch(product_id: int):
    product = catalog_services.get_product_for_edit(product_id, current_user)
    form = _form()
    if request.method == "GET":
        form.province_code.data, form.ward_code.data = product.shop.province_code, product.shop.ward_code
        form.fill_choices()
    if form.validate_on_submit():
        try:
            batch = services.create_batch(product, current_user, form.data_for_service())
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Đã lưu lô %(code)s. Bây giờ bạn có thể in tem.", code=batch.code), "success")
            return redirect(url_for("trace_seller.edit_batch", batch_id=batch.id))
    return render_template("traceability/batch_form.html", form=form, product=product, batch=None), \
        form_status(form)


@seller_bp.route("/batches/<int:batch_id>/edit", methods=["GET", "POST"])
def edit_batch(batch_id: int):
    batch = services.get_batch_for_edit(batch_id, current_user)
    form = _form(batch)
    if form.validate_on_submit():
        try:
            services.update_batch(batch, current_user, form.data_for_service())
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Đã lưu lô %(code)s.", code=batch.code), "success")
            return redirect(url_for("trace_seller.edit_batch", batch_id=batch.id))
    return render_template("traceability/batch_form.html", form=form, product=batch.product, batch=batch,
                           trace_url=services.label_url(batch)), form_status(form)


@seller_bp.post("/batches/<int:batch_id>/delete")
def delete_batch(batch_id: int):
    batch = services.get_batch_for_edit(batch_id, current_user)
    product_id, code = batch.product_id, batch.code
    services.delete_batch(batch, current_user)
    flash(_("Đã xoá lô %(code)s.", code=code), "info")
    return redirect(url_for("trace_seller.batches", product_id=product_id))


@seller_bp.get("/batches/<int:batch_id>/labels")
def labels(batch_id: int):
    """An A4 sheet of identical labels to print and stick on the packages of this batch."""
    batch = services.get_batch_for_edit(batch_id, current_user)
    copies = services.label_copies(request.args.get("copies"))
    return render_template("traceability/labels.html", batch=batch, product=batch.product, copies=copies,
                           max_copies=services.MAX_LABEL_COPIES, label_url=services.label_url(batch))
