"""Telling users something: the notice in their bell, the mail after the commit, and reading the bell."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update

from ..extensions import db
from ..transaction import after_commit
from ..utils import utcnow
from .mail import send_mail
from .models import Notification

if TYPE_CHECKING:
    from ..accounts.models import User


def notify(users: Sequence[User], kind: str, message: Callable[[], str], *, order_id: int | None = None,
           mail_subject: Callable[[], str] | None = None, mail_body: Callable[[], str] | None = None) -> int:
    """An in-app notice to each user (the header's bell) and, when `mail_subject` is given, an e-mail to
    those with an address, sent after the commit. The texts are callables so that they are written in
    Vietnamese, the site's language, whatever language the request that caused them asked for.
    Returns how many users were told."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = message()[:300]
        letter = (mail_subject(), mail_body() if mail_body else text) if mail_subject else None
    for user in users:
        db.session.add(Notification(user_id=user.id, order_id=order_id, kind=kind, message=text))
    recipients = sorted({user.email for user in users if user.email})
    if letter and recipients:
        after_commit(send_mail, letter[0], recipients, letter[1])
    return len(users)


def notifications_for(user: User, *, unread_only: bool = False, limit: int = 20) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(db.session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc())
                                   .limit(limit)))


def unread_notification_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def unread_count_of(user_id):
    """unread_notification_count as an SQL expression, for the header's one query."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery())


def mark_notifications_read(user: User) -> None:
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()
