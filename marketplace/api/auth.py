"""Bearer-token authentication for the API.

Which user a token belongs to is for the accounts feature to say: the API's registration hands its lookup
to init_auth (as Flask-Login's user_loader does for the session cookie), so this toolkit imports no feature.
"""

from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import Unauthorized

BEARER = [{"bearerAuth": []}]
LOOKUP = "api_user_lookup"  # where init_auth keeps it, in app.extensions


def init_auth(app: Flask, user_for_token: Callable[[str], object | None]) -> None:
    app.extensions[LOOKUP] = user_for_token


def _bearer_user():
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return current_app.extensions[LOOKUP](token.strip())


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
