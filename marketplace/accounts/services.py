"""Registration, login and API tokens."""

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import UTC, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict, DomainError
from ..extensions import db
from ..notifications.services import notify
from ..phones import normalize_phone
from ..utils import clean_text, utcnow
from .models import ApiToken, User

MIN_PASSWORD = 8
MAX_PASSWORD = 200
MAX_NAME = 100
MAX_EMAIL = 254
# Something, @, a domain with a dot in it; no blank anywhere (Python's \s is what str.strip() removes).
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalize_email(raw: str) -> str:
    email = (raw or "").strip()
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        raise DomainError(_("Địa chỉ email không hợp lệ."), "email")
    return email.lower()


def _check_password_rules(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD:
        raise DomainError(_("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD), field)
    if len(password) > MAX_PASSWORD:
        raise DomainError(_("Mật khẩu quá dài."), field)


def register_user(*, name: str, password: str, phone: str | None = None, email: str | None = None) -> User:
    name = clean_text(name)
    if not name:
        raise DomainError(_("Vui lòng nhập họ tên."), "name")
    if len(name) > MAX_NAME:
        raise DomainError(_("Họ tên tối đa 100 ký tự."), "name")
    phone, email = clean_text(phone) or None, clean_text(email) or None  # blanks alone: none given
    if not phone and not email:
        raise DomainError(_("Nhập số điện thoại hoặc email."), "phone")
    phone_e164 = normalize_phone(phone) if phone else None
    email_norm = normalize_email(email) if email else None
    _check_password_rules(password)
    if phone_e164 and db.session.scalar(select(User.id).where(User.phone == phone_e164)):
        raise Conflict(_("Số điện thoại này đã có tài khoản. Hãy đăng nhập."), "phone")
    if email_norm and db.session.scalar(select(User.id).where(User.email == email_norm)):
        raise Conflict(_("Email này đã có tài khoản. Hãy đăng nhập."), "email")
    user = User(name=name, phone=phone_e164, email=email_norm)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def find_by_login(login: str) -> User | None:
    """A login is an email or a phone number written any common way."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        return db.session.scalar(select(User).where(User.email == login.lower()))
    try:
        phone = normalize_phone(login)
    except DomainError:
        return None
    return db.session.scalar(select(User).where(User.phone == phone))


def login_identity(login: str) -> str:
    """What a login names, written one way as find_by_login reads it: an email lower-cased, a phone number in
    E.164 however it was typed (0912 000 556, +84912000556, 84 912 000 556). Anything else comes back stripped
    and lower-cased: it names no account, but the same typing still gives the same answer."""
    text = (login or "").strip()
    if "@" in text:
        return text.lower()
    try:
        return normalize_phone(text)
    except DomainError:
        return text.lower()


def authenticate(login: str, password: str) -> User | None:
    user = find_by_login(login)
    if user is None or not user.active or not user.check_password(password or ""):
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current or ""):
        raise DomainError(_("Mật khẩu hiện tại không đúng."), "current_password")
    _check_password_rules(new, "new_password")
    user.set_password(new)
    # A new password signs out everyone who used the old one: other browsers (their session and
    # remember-me cookies carry the old version) and the mobile app (its tokens).
    user.session_version += 1
    for token in list(user.tokens):
        db.session.delete(token)
    db.session.flush()


def create_admin(login: str, password: str, name: str = "Quản trị viên") -> User:
    user = find_by_login(login)
    if user is None:
        kwargs = {"email": login} if "@" in login else {"phone": login}
        user = register_user(name=name, password=password, **kwargs)
    else:
        _check_password_rules(password)
        user.set_password(password)
    user.is_admin = True
    db.session.flush()
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    days = current_app.config["API_TOKEN_DAYS"]
    record = ApiToken(user=user, token_hash=_hash_token(token), expires_at=utcnow() + timedelta(days=days))
    db.session.add(record)
    db.session.flush()
    return token, record


def user_for_token(token: str) -> User | None:
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if record is None:
        return None
    expires = record.expires_at if record.expires_at.tzinfo else record.expires_at.replace(tzinfo=UTC)
    if expires < utcnow() or not record.user.active:
        return None
    return record.user


def revoke_token(token: str) -> None:
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if record is not None:
        db.session.delete(record)
        db.session.flush()


def notify_admins(kind: str, message: Callable[[], str], *, order_id: int | None = None,
                  mail_subject: Callable[[], str] | None = None) -> int:
    """A notice (and a mail when `mail_subject` is given) to every active admin: what the province's
    operators must sort out themselves, such as money a provider moved that the orders cannot simply follow."""
    admins = db.session.scalars(select(User).where(User.is_admin.is_(True), User.active.is_(True))).all()
    return notify(list(admins), kind, message, order_id=order_id, mail_subject=mail_subject)


def sees_catalogue_as_own(user: User) -> bool:
    """Whether the public pages show this signed-in user something of their own, so that they are never served
    from or kept in the shared page cache: an admin, or a member of a shop (edit buttons, products not public)."""
    return user.is_admin or bool(user.memberships)
