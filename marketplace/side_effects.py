"""Side effects that belong to a change and must happen only once it is committed.

A service calls after_commit(func, *args) while it works; the calls wait in the session and run
after the commit (an e-mail about an order that was rolled back would announce an order that does
not exist), or are dropped with a rollback. They cannot use the session (it is between transactions
then), so a service prepares everything they need beforehand. A failing side effect is logged: the
change it follows has been committed, and the user's request has succeeded.
"""

from collections.abc import Callable

from flask import Flask, current_app, has_app_context
from flask_mail import Message, email_dispatched
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from .extensions import db, mail

KEY = "after_commit"
_listening = False


def after_commit(func: Callable, *args) -> None:
    db.session.info.setdefault(KEY, []).append((func, args))


def _run(session) -> None:
    for func, args in session.info.pop(KEY, []):
        try:
            func(*args)
        except Exception:
            if has_app_context():
                current_app.logger.exception("side effect %s failed after the commit", getattr(func, "__name__", func))


def _drop(session) -> None:
    session.info.pop(KEY, None)


def send_mail(subject: str, recipients: list[str], body: str) -> None:
    mail.send(Message(subject=subject, recipients=recipients, body=body))


def _log_mail(app, message) -> None:
    if app.config["MAIL_SUPPRESS_SEND"] and not app.testing:
        app.logger.info("mail (not sent, MAIL_SUPPRESS_SEND) to %s: %s\n%s",
                        ", ".join(message.recipients), message.subject, message.body)


def init_side_effects(app: Flask) -> None:
    global _listening
    if not _listening:
        event.listen(Session, "after_commit", _run)
        event.listen(Session, "after_rollback", _drop)
        email_dispatched.connect(_log_mail)
        _listening = True
