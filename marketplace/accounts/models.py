from datetime import datetime

from flask import Flask, current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from config import Config

from ..extensions import db, login_manager
from ..utils import utcnow


class User(UserMixin, db.Model):
    """Anyone with an account: a buyer, a seller (through shop memberships), an admin."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(100))
    # E.164 (+84...) so that every way of writing a number finds the same account.
    phone: Mapped[str | None] = mapped_column(db.String(20), unique=True)
    email: Mapped[str | None] = mapped_column(db.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(db.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    # Part of the id kept in session and remember-me cookies: raising it signs out every browser.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships = relationship("ShopMember", back_populates="user", cascade="all, delete-orphan")
    tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")

    __table_args__ = (db.CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="has_login"),)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def login_label(self) -> str:
        return self.phone or self.email or ""


def refuse_a_test_password_hash(app: Flask) -> None:
    """The cheap method of the test configuration must never hash a real user's password."""
    method = app.config["PASSWORD_HASH_METHOD"]
    if method != Config.PASSWORD_HASH_METHOD and not app.testing:
        raise RuntimeError(f"PASSWORD_HASH_METHOD {method!r} is for tests only; "
                           f"outside them passwords are hashed with {Config.PASSWORD_HASH_METHOD!r}")


class ApiToken(db.Model):
    """A bearer token for the mobile app. Only a hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(db.DateTime(timezone=True))

    user = relationship("User", back_populates="tokens")



@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None  # a cookie from before sessions were versioned, or forged
    # With the shops the user runs, in the same query: every page asks (whose pages are their own, the header).
    user = db.session.get(User, int(user_id), options=[joinedload(User.memberships)])
    return user if user is not None and user.session_version == int(version) else None
