"""How many password guesses are allowed: LOGIN_RATE_LIMIT per address and LOGIN_RATE_LIMIT per account.

The web login form and the API's token endpoint are two doors to the same passwords, so each limit is one
bucket shared by both (Flask-Limiter's shared limits): using both doors does not double anyone's tries.
"""

import hashlib

from flask import current_app, request

from ..extensions import limiter
from .services import login_identity


def login_rate() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_attempt_key() -> str:
    """The account an attempt is aimed at, from the form field or the JSON body's `login`, normalised as the
    account is looked up: writing a phone number another way is the same account, hence the same bucket.
    Hashed, so that the keys in Redis carry no phone numbers and stay short whatever was typed."""
    body = request.get_json(silent=True) if request.is_json else request.form
    login = body.get("login") if isinstance(body, dict) else None
    identity = login_identity(login if isinstance(login, str) else "")
    return "login:" + hashlib.sha256(identity.encode()).hexdigest()


per_address = limiter.shared_limit(login_rate, scope="login", methods=["POST"])
# New accounts, per address: the register form and POST /api/v1/auth/register, one bucket for both.
new_accounts = limiter.shared_limit(login_rate, scope="register", methods=["POST"])
per_account = limiter.shared_limit(login_rate, scope="login-account", key_func=login_attempt_key, methods=["POST"])
