"""Who may do what: admins, and a shop's members by their role in it.

Services check with require_admin and require_role (a refusal is PermissionDenied, a 403); admin-only pages
and API endpoints say so with @admin_required and @admin_token_required, checked before anything is read.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_login import current_user, login_required

from .api.auth import current_api_user, token_required
from .errors import PermissionDenied

if TYPE_CHECKING:
    from .accounts.models import User
    from .shops.models import Shop

OWNER = "owner"
MANAGER = "manager"


def require_admin(user: User | None) -> User:
    if user is None or not getattr(user, "is_admin", False):
        raise PermissionDenied(_("Chỉ quản trị viên được làm việc này."))
    return user


def admin_required(view):
    """Signed in (else the login page) and an admin (else 403, whatever the URL)."""
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        require_admin(current_user)
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


def role_in(user: User | None, shop: Shop) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    for member in shop.members:
        if member.user_id == user.id:
            return member.role
    return None


def require_role(user: User | None, shop: Shop, *roles: str) -> str:
    """Managers may run products and orders; only the owner touches bank details and members."""
    role = role_in(user, shop)
    if role is None or role not in (roles or (OWNER, MANAGER)):
        raise PermissionDenied(_("Bạn không có quyền làm việc này với gian hàng %(name)s.", name=shop.name))
    return role
