"""Accounts as admins see them: who is an admin, and disabling an account.

An admin cannot take away their own admin role nor disable their own account, so the platform
always keeps at least one admin who can act (the one deciding). Disabling signs the account out
everywhere: its session version is raised (browser cookies stop matching) and its API tokens are
deleted; login and token checks already refuse an inactive account (accounts.services).
"""

import re

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..accounts.models import User
from ..audit.services import record_decision
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..permissions import require_admin
from ..phones import normalize_phone
from ..queries import get_by_id, paginate
from ..utils import clean_text
from .moderation import clean_reason

USER_FILTERS = ("admins", "disabled")


def list_users(*, q: str = "", show: str = "", page: int = 1, per_page: int = 30) -> tuple[list[User], int]:
    """Newest first; `q` is part of a name or email, or a phone number written any common way."""
    query = select(User)
    q = clean_text(q)
    if q:
        conditions = [User.name.icontains(q, autoescape=True), User.email.icontains(q.lower(), autoescape=True)]
        digits = re.sub(r"\D", "", q)
        if len(digits) >= 3:
            try:
                conditions.append(User.phone == normalize_phone(q))
            except DomainError:
                pass
            # A part of the number as people write it (0912...), stored as +84912...
            conditions.append(User.phone.contains(digits[1:] if digits.startswith("0") else digits,
                                                  autoescape=True))
        query = query.where(or_(*conditions))
    if show == "admins":
        query = query.where(User.is_admin.is_(True))
    elif show == "disabled":
        query = query.where(User.active.is_(False))
    return paginate(query, page, per_page, User.created_at.desc(), User.id.desc())


def get_user(user_id) -> User:
    user = get_by_id(User, user_id)
    if user is None:
        raise NotFound(_("Không tìm thấy tài khoản."))
    return user


def set_admin(user: User, actor: User, make_admin: bool, note=None) -> User:
    require_admin(actor)
    note = clean_reason(note, required=False, field="note")
    if user.is_admin == make_admin:
        raise Conflict(_("%(name)s đã là quản trị viên.", name=user.name) if make_admin
                       else _("%(name)s không phải quản trị viên.", name=user.name))
    if not make_admin and user.id == actor.id:
        raise DomainError(_("Bạn không thể tự bỏ quyền quản trị của mình: hãy nhờ một quản trị viên khác."))
    if make_admin and not user.active:
        raise DomainError(_("Tài khoản này đang bị khoá: mở khoá trước khi cấp quyền quản trị."))
    user.is_admin = make_admin
    record_decision(actor, "user.grant_admin" if make_admin else "user.revoke_admin", "user", user.id, reason=note)
    db.session.flush()
    return user


def set_active(user: User, actor: User, active: bool, reason=None) -> User:
    require_admin(actor)
    reason = clean_reason(reason, required=not active)
    if user.active == active:
        raise Conflict(_("Tài khoản này đang hoạt động.") if active else _("Tài khoản này đã bị khoá."))
    if not active and user.id == actor.id:
        raise DomainError(_("Bạn không thể tự khoá tài khoản của mình."))
    user.active = active
    if not active:
        user.session_version += 1
        for token in list(user.tokens):
            db.session.delete(token)
    record_decision(actor, "user.enable" if active else "user.disable", "user", user.id, reason=reason)
    db.session.flush()
    return user
