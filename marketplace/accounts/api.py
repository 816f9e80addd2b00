from dataclasses import dataclass
from datetime import datetime

from flask import request
from flask_babel import gettext as _
from marshmallow import Schema, fields
from werkzeug.exceptions import Unauthorized

from ..api.auth import current_api_user, token_required
from ..api.blueprint import Blueprint
from ..api.responses import Out, UtcDateTime
from ..api.schemas import BLANK, RATE_LIMITED, Phone, Text, given, solid, trimmed_pattern
from ..permissions import role_in
from ..phones import display_phone
from ..shops.models import Shop
from ..shops.services import shops_of
from . import limits, services
from .models import User

blp = Blueprint("api_accounts", __name__, url_prefix="/api/v1", description="Accounts and tokens")


PHONE_OR_EMAIL = "A phone number or an email is needed (an empty one counts as not sent)."
# services.EMAIL with blanks around it, or empty (not sent); at most MAX_EMAIL characters once trimmed.
EMAIL_PATTERN = f"^(?:{BLANK}*{solid('@')}+@{solid('@')}+\\.{solid('@')}+{BLANK}*)?$"


class RegisterIn(Schema):
    DOCUMENT_RULES = {"anyOf": [given("phone"), given("email")]}
    phone = Phone(mobile=True, or_blank=True, metadata={"example": "0912 345 678", "description": (
        "A Vietnamese mobile number: 0, +84 or 84, then the digits, which spaces, dots or hyphens may separate "
        "(0912 345 678, +84 912.345.678). " + PHONE_OR_EMAIL)})
    email = Text(pattern=EMAIL_PATTERN, metadata={
        "allOf": [{"pattern": trimmed_pattern(0, services.MAX_EMAIL)}], "example": "nong.dan@example.vn",
        "description": f"An email address, at most {services.MAX_EMAIL} characters. " + PHONE_OR_EMAIL})
    password = Text(required=True, load_only=True, trim=False, min_length=services.MIN_PASSWORD,
                    max_length=services.MAX_PASSWORD)
    name = Text(required=True, min_length=1, max_length=services.MAX_NAME)


class TokenIn(Schema):
    login = Text(required=True, metadata={"description": "Phone number (any common form) or email"})
    password = Text(required=True, load_only=True, trim=False)


@dataclass(frozen=True)
class Membership:
    shop: Shop
    role: str


def _memberships(user: User) -> list[Membership]:
    return [Membership(shop, role_in(user, shop)) for shop in shops_of(user)]


class MembershipOut(Out):
    id = fields.Integer(attribute="shop.id")
    slug = fields.String(attribute="shop.slug")
    name = fields.String(attribute="shop.name")
    role = fields.String()


class UserOut(Out):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)
    phone_display = fields.String(attribute=lambda user: display_phone(user.phone))
    email = fields.String(allow_none=True)
    is_admin = fields.Boolean()
    created_at = UtcDateTime()
    shops = fields.List(fields.Nested(MembershipOut), attribute=_memberships)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User
    token_type: str = "Bearer"  # noqa: S105  (the scheme's name, RFC 6750)


def _issue_token(user: User) -> IssuedToken:
    token, record = services.issue_token(user)
    return IssuedToken(token, record.expires_at, user)


class TokenOut(Out):
    token = fields.String()
    token_type = fields.String()
    expires_at = UtcDateTime()
    user = fields.Nested(UserOut)


@blp.post("/auth/register", answer=TokenOut, status=201)
@blp.arguments(RegisterIn)
@limits.new_accounts
@blp.alt_response(429, response=RATE_LIMITED)
def register(data):
    """Create an account with a Vietnamese mobile number or an email; returns a token too."""
    user = services.register_user(name=data["name"], password=data["password"], phone=data.get("phone"),
                                  email=data.get("email"))
    return _issue_token(user)


@blp.post("/auth/token", answer=TokenOut)
@blp.arguments(TokenIn)
@limits.per_address
@limits.per_account
@blp.alt_response(429, response=RATE_LIMITED)
def token(data):
    """Exchange a login and password for a bearer token (rate-limited per address and per account, as the web
    login; a 429 says when to retry in Retry-After)."""
    user = services.authenticate(data["login"], data["password"])
    if user is None:
        raise Unauthorized(_("Sai số điện thoại/email hoặc mật khẩu."))
    return _issue_token(user)


@blp.delete("/auth/token", status=204, auth=token_required)
def revoke_token():
    """Sign the app out: the token sent in Authorization stops working."""
    services.revoke_token(request.headers["Authorization"].partition(" ")[2].strip())


@blp.get("/me", answer=UserOut, auth=token_required)
def me():
    """The signed-in user and the shops they run."""
    return current_api_user()
