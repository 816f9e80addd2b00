"""The cart page: works for guests (a token in the browser session) and for signed-in buyers."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from . import services
from .owner import current_owner, current_review

bp = Blueprint("cart", __name__)


def cart_count() -> int:
    """For the header: how many items this browser's cart holds (no query for a guest without one)."""
    owner = current_owner()
    if owner is None:
        return 0
    with db.session.no_autoflush:  # the header must not flush what a failed form left half-built
        return services.cart_quantity(owner)


def _show(error: DomainError | None = None):
    if error is not None:
        flash(error.message, "error")
    return render_template("cart/cart.html", review=current_review()), 422 if error else 200


@bp.get("/cart")
def show():
    return _show()


@bp.post("/cart/items")
def add():
    try:
        services.add_item(current_owner(create=True), request.form.get("variant_id"), request.form.get("quantity"))
    except DomainError as error:
        return _show(error)
    flash(_("Đã thêm vào giỏ hàng."), "success")
    return redirect(url_for("cart.show"))


@bp.post("/cart/items/<int:item_id>")
def update(item_id: int):
    owner = current_owner()
    try:
        if owner is None:
            raise DomainError(_("Giỏ hàng của bạn đang trống."))
        if request.form.get("remove"):
            services.remove_item(owner, item_id)
        else:
            services.set_quantity(owner, item_id, request.form.get("quantity"))
    except DomainError as error:
        return _show(error)
    return redirect(url_for("cart.show"))


@bp.post("/cart/accept")
def accept():
    owner = current_owner()
    if owner is not None:
        services.accept_changes(owner)
    return redirect(url_for("cart.show"))
