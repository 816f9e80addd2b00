from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import Unauthorized

from ..api.auth import BEARER, current_api_user, token_required
from ..api.schemas import UtcDateTime
from ..extensions import limiter
from ..permissions import role_in
from ..shops.services import shops_of
from . import limits, services
from .services import display_phone

blp = Blueprint("api_accounts", __name__, url_prefix="/api/v1", description="Accounts and tokens")


class RegisterIn(Schema):
    phone = fields.String(metadata={"example": "0912 345 678"})
    email = fields.String(metadata={"example": "nong.dan@example.vn"})
    password = fields.String(required=True, load_only=True)
    name = fields.String(required=True)


class TokenIn(Schema):
    login = fields.String(required=True, metadata={"description": "Phone number (any common form) or email"})
    password = fields.String(required=True, load_only=True)


class MembershipOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    role = fields.String()


class UserOut(Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)
    phone_display = fields.String()
    email = fields.String(allow_none=True)
    is_admin = fields.Boolean()
    created_at = UtcDateTime()
    shops = fields.List(fields.Nested(MembershipOut))


class TokenOut(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_at = UtcDateTime()
    user = fields.Nested(UserOut)


def user_body(user) -> dict:
    shops = shops_of(user)
    return {
        "id": user.id, "name": user.name, "phone": user.phone, "phone_display": display_phone(user.phone),
        "email": user.email, "is_admin": user.is_admin, "created_at": user.created_at,
        "shops": [{"id": s.id, "slug": s.slug, "name": s.name, "role": role_in(user, s)} for s in shops],
    }


def _token_body(user) -> dict:
    token, record = services.issue_token(user)
    return {"token": token, "token_type": "Bearer", "expires_at": record.expires_at, "user": user_body(user)}


@blp.post("/auth/register")
@blp.arguments(RegisterIn)
@blp.response(201, TokenOut)
@limiter.limit(limits.login_rate)
def register(data):
    """Create an account with a Vietnamese mobile number or an email; returns a token too."""
    user = services.register_user(name=data["name"], password=data["password"], phone=data.get("phone"),
                                  email=data.get("email"))
    return _token_body(user)


@blp.post("/auth/token")
@blp.arguments(TokenIn)
@blp.response(200, TokenOut)
@limits.per_address
@limits.per_account
def token(data):
    """Exchange a login and password for a bearer token (rate-limited per address and per account, as the web
    login; a 429 says when to retry in Retry-After)."""
    user = services.authenticate(data["login"], data["password"])
    if user is None:
        raise Unauthorized(_("Sai số điện thoại/email hoặc mật khẩu."))
    return _token_body(user)


@blp.delete("/auth/token")
@token_required
@blp.response(204)
@blp.doc(security=BEARER)
def revoke_token():
    """Sign the app out: the token sent in Authorization stops working."""
    services.revoke_token(request.headers["Authorization"].partition(" ")[2].strip())


@blp.get("/me")
@token_required
@blp.response(200, UserOut)
@blp.doc(security=BEARER)
def me():
    """The signed-in user and the shops they run."""
    return user_body(current_api_user())
