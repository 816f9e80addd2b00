"""Mail: sent after the commit (notify queues it with transaction.after_commit), logged when not sent."""

from flask import Flask
from flask_mail import Message, email_dispatched

from ..extensions import mail


def send_mail(subject: str, recipients: list[str], body: str) -> None:
    mail.send(Message(subject=subject, recipients=recipients, body=body))


def _log_mail(app, message) -> None:
    if app.config["MAIL_SUPPRESS_SEND"] and not app.testing:
        app.logger.info("mail (not sent, MAIL_SUPPRESS_SEND) to %s: %s\n%s",
                        ", ".join(message.recipients), message.subject, message.body)


def init_mail(app: Flask) -> None:
    email_dispatched.connect(_log_mail)  # once: blinker keeps one connection per receiver
