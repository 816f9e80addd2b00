"""Checkout, the buyer's orders (signed in, or a guest by code and phone) and the seller's inbox."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..cart.owner import current_owner, current_review
from ..errors import DomainError
from ..extensions import db
from ..forms import attach_error
from ..notifications import services as notifications
from ..payments.registry import METHODS, enabled_methods
from ..phones import display_phone
from ..web import form_status, page_arg
from . import services
from .forms import CancelForm, CheckoutForm, FindOrderForm, ShipForm
from .limits import order_lookup_limit
from .models import STATUSES, Checkout, Order
from .visitor import buyer_order, let_browser_see

bp = Blueprint("orders", __name__)

PER_PAGE = 20


@bp.route("/checkout", methods=["GET", "POST"])
def checkout():
    review = current_review()
    if not review.lines:
        flash(_("Giỏ hàng của bạn đang trống."), "info")
        return redirect(url_for("cart.show"))
    form = CheckoutForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.recipient.data = current_user.name
        form.phone.data = display_phone(current_user.phone)
    form.fill_choices(enabled_methods())
    if form.validate_on_submit():
        try:
            placed = services.place_checkout(
                current_owner(), user=current_user if current_user.is_authenticated else None,
                address=form.address(), payment_method=form.payment_method.data, note=form.note.data or "")
        except DomainError as error:
            attach_error(form, error)
        else:
            let_browser_see(*(order.id for order in placed.orders))
            session["checkout_seen"] = placed.id
            # A gateway's own page (Stripe) when the method has one; it sends the buyer back to "placed".
            gateway = services.payment_summary(placed).get("redirect_url")
            return redirect(gateway or url_for("orders.placed", checkout_id=placed.id))
    return render_template("orders/checkout.html", form=form, review=current_review()), form_status(form)


@bp.get("/checkout/<int:checkout_id>/done")
def placed(checkout_id: int):
    placed = db.session.get(Checkout, checkout_id)
    if placed is None or session.get("checkout_seen") != checkout_id:
        abort(404)
    return render_template("orders/placed.html", checkout=placed, payment=services.payment_summary(placed))


@bp.get("/orders")
@login_required
def history():
    page = page_arg()
    orders, total = services.buyer_orders(current_user, page, PER_PAGE)
    return render_template("orders/history.html", orders=orders, total=total, page=page, per_page=PER_PAGE)


@bp.route("/orders/find", methods=["GET", "POST"])
@order_lookup_limit(methods=["POST"])
def find():
    form = FindOrderForm()
    if form.validate_on_submit():
        try:
            order = services.find_order(form.code.data, form.phone.data)
        except DomainError as error:
            attach_error(form, error)
        else:
            let_browser_see(order.id)
            return redirect(url_for("orders.detail", order_id=order.id))
    return render_template("orders/find.html", form=form), form_status(form)


@bp.get("/orders/<int:order_id>")
def detail(order_id: int):
    order = buyer_order(order_id)
    transfer = METHODS[order.payment_method].transfer_for(order) if order.awaits_payment else None
    return render_template("orders/order.html", order=order, cancel_form=CancelForm(), transfer=transfer)


@bp.post("/orders/<int:order_id>/<action>")
def buyer_action(order_id: int, action: str):
    order = buyer_order(order_id)
    actor = current_user if current_user.is_authenticated else None
    form = CancelForm()
    if action not in ("cancel", "complete") or not form.validate_on_submit():
        abort(400)
    if action == "cancel":
        services.cancel_by_buyer(order, actor, form.reason.data or "")
        flash(_("Đã huỷ đơn hàng %(code)s.", code=order.code), "success")
    else:
        services.complete_order(order, actor)
        flash(_("Cảm ơn bạn! Đơn hàng %(code)s đã hoàn tất.", code=order.code), "success")
    return redirect(url_for("orders.detail", order_id=order.id))


# --- the seller's inbox ------------------------------------------------------------------

def unread_count() -> int:
    """For the header's bell: notices (new orders, OCOP decisions...) the signed-in seller has not seen."""
    if not current_user.is_authenticated:
        return 0
    with db.session.no_autoflush:
        return notifications.unread_notification_count(current_user)


@bp.get("/seller/orders")
@login_required
def inbox():
    status = request.args.get("status") or None
    if status not in (None, *STATUSES):
        status = None
    page = page_arg()
    orders, total, counts = services.seller_orders(current_user, status=status, page=page, per_page=PER_PAGE)
    news = notifications.notifications_for(current_user, unread_only=True, limit=10)
    notifications.mark_notifications_read(current_user)  # seen: the bell goes quiet
    return render_template("orders/inbox.html", orders=orders, total=total, counts=counts, status=status,
                           page=page, per_page=PER_PAGE, statuses=STATUSES, news=news)


def _seller_page(order: Order, ship_form=None, cancel_form=None, status: int = 200):
    return render_template("orders/seller_order.html", order=order, ship_form=ship_form or ShipForm(),
                           cancel_form=cancel_form or CancelForm()), status


@bp.get("/seller/orders/<int:order_id>")
@login_required
def seller_detail(order_id: int):
    return _seller_page(services.get_seller_order(current_user, order_id))


@bp.get("/seller/orders/<int:order_id>/slip")
@login_required
def packing_slip(order_id: int):
    return render_template("orders/packing_slip.html", order=services.get_seller_order(current_user, order_id))


@bp.post("/seller/orders/<int:order_id>/<action>")
@login_required
def seller_action(order_id: int, action: str):
    order = services.get_seller_order(current_user, order_id)
    ship_form, cancel_form = ShipForm(), CancelForm()
    if action not in ("paid", "confirm", "ship", "deliver", "cancel") or not ship_form.validate_on_submit():
        abort(400)
    try:
        with db.session.begin_nested():  # a refused move keeps nothing, whether shown again or redirected
            if action == "paid":
                services.confirm_transfer_received(order, current_user)
            elif action == "confirm":
                services.confirm_order(order, current_user)
            elif action == "ship":
                services.ship_order(order, current_user, ship_form.carrier.data or "", ship_form.tracking.data or "")
            elif action == "deliver":
                services.deliver_order(order, current_user)
            else:
                services.cancel_by_seller(order, current_user, cancel_form.reason.data or "")
    except DomainError as error:
        if error.field in ("carrier", "tracking"):
            attach_error(ship_form, error)
        elif error.field == "reason":
            attach_error(cancel_form, error)
        else:  # an illegal move (already shipped, cancelled meanwhile): nothing was changed
            flash(error.message, "error")
            return redirect(url_for("orders.seller_detail", order_id=order_id))
        return _seller_page(order, ship_form, cancel_form, 422)
    flash(_("Đơn %(code)s: %(status)s.", code=order.code, status=services.status_label(order.status)), "success")
    return redirect(url_for("orders.seller_detail", order_id=order.id))
