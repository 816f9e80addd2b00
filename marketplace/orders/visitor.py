"""Which orders a browser may show: the signed-in buyer's own, and those this browser placed or found by
code and phone (kept in the session). The orders pages ask here, and so does the transfer QR of payments,
through the handlers orders hands it (orders.init_orders)."""

from flask import session
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import NotFound
from ..extensions import db
from . import services
from .models import Order

SEEN = "orders_seen"  # orders this browser may show a guest: placed here, or found by code and phone


def let_browser_see(*order_ids: int) -> None:
    session[SEEN] = list(dict.fromkeys([*session.get(SEEN, []), *order_ids]))[-50:]


def buyer_order(order_id: int) -> Order:
    """The signed-in buyer's own order, or one this browser placed or found; anything else is 404."""
    if current_user.is_authenticated:
        try:
            return services.get_buyer_order(current_user, order_id)
        except NotFound:
            pass
    order = db.session.get(Order, order_id) if order_id in session.get(SEEN, []) else None
    if order is None:
        raise NotFound(_("Không tìm thấy đơn hàng."))
    return order
