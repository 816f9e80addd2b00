"""Photos: validated and re-encoded by Pillow, stored behind a storage interface."""

from flask import Flask, current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from .storage import STORAGES

_listening = False


def init_media(app: Flask) -> None:
    global _listening
    name = app.config["MEDIA_STORAGE"]
    try:
        app.extensions["media_storage"] = STORAGES[name](app)
    except KeyError:
        raise RuntimeError(f"MEDIA_STORAGE must be one of {', '.join(STORAGES)}, not {name!r}") from None
    if not _listening:
        # Files written during a transaction that rolls back are removed again, so a failed request
        # leaves no orphan file behind. Only the outermost transaction counts: a savepoint's release
        # commits nothing yet, and its rollback leaves the request's other rows (and their files) in place.
        event.listen(Session, "after_commit", _forget_cleanups)
        event.listen(Session, "after_transaction_end", _run_cleanups)
        _listening = True


def _forget_cleanups(session) -> None:
    if not session.in_nested_transaction():
        session.info.pop("on_rollback", None)


def _run_cleanups(session, transaction) -> None:
    if transaction.parent is not None:
        return
    for cleanup in session.info.pop("on_rollback", []):
        try:
            cleanup()
        except Exception:
            # An orphan file is harmless; hiding the request's own error behind this one is not.
            current_app.logger.exception("cleanup after a rollback failed")
