"""Whose cart a request is about: the browser's (the signed-in buyer's, or a guest's token in the session)
or the API caller's (Bearer, or a guest's X-Cart-Token header). The cart's pages and API and checkout ask here.
"""

from flask import request, session
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields
from werkzeug.exceptions import Unauthorized

from ..api.auth import current_api_user
from . import services
from .services import CartOwner

CART_SECURITY = [{"bearerAuth": []}, {}]


class CartHeaders(Schema):
    cart_token = fields.String(data_key="X-Cart-Token", metadata={
        "description": "A guest's cart token (from POST /api/v1/cart); ignored when a Bearer token is sent"})


def current_owner(create: bool = False) -> CartOwner | None:
    """Whose cart this browser shows; a guest gets a token the first time they add something."""
    if current_user.is_authenticated:
        return CartOwner.for_user(current_user.id)
    token = session.get(services.SESSION_KEY)
    if token is None and create:
        token = session[services.SESSION_KEY] = services.new_guest_token()
    return CartOwner.for_guest(token) if token else None


def current_review() -> services.CartReview:
    owner = current_owner()
    return services.review(services.find_cart(owner) if owner else None)


def api_cart_owner(headers: dict) -> CartOwner | None:
    """The Bearer user's cart, else the guest cart named by X-Cart-Token, else none. A Bearer token that
    is sent but not valid is an error, rather than a silent switch to a guest cart."""
    user = current_api_user()
    if user is not None:
        return CartOwner.for_user(user.id)
    if request.headers.get("Authorization"):
        error = Unauthorized(_("Cần đăng nhập: gửi Authorization: Bearer <token>."))
        error.data = {"message": error.description, "headers": {"WWW-Authenticate": "Bearer"}}
        raise error
    token = headers.get("cart_token")
    return CartOwner.for_guest(token) if token else None
