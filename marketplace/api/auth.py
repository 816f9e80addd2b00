"""Bearer-token authentication for the API."""

from functools import wraps

from flask import g, request
from flask_babel import gettext as _
from werkzeug.exceptions import Unauthorized

from ..accounts.services import user_for_token
from ..admin.services import require_admin

BEARER = [{"bearerAuth": []}]


def _bearer_user():
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip())


def current_api_user():
    if "api_user" not in g:
        g.api_user = _bearer_user()
    return g.api_user


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_api_user() is None:
            error = Unauthorized(_("Cần đăng nhập: gửi Authorization: Bearer <token>."))
            error.data = {"message": error.description, "headers": {"WWW-Authenticate": "Bearer"}}
            raise error
        return view(*args, **kwargs)

    return wrapper


def admin_token_required(view):
    """A bearer token of an admin, checked before the body is read (a stranger learns nothing from a 422)."""
    @wraps(view)
    @token_required
    def wrapper(*args, **kwargs):
        require_admin(current_api_user())
        return view(*args, **kwargs)

    return wrapper
