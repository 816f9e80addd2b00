"""Photos: validated and re-encoded by Pillow, stored behind a storage interface."""

from flask import Flask
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
        # Files written during a transaction that rolls back are removed again, so a
        # failed request leaves no orphan file behind.
        event.listen(Session, "after_commit", _forget_cleanups)
        event.listen(Session, "after_rollback", _run_cleanups)
        _listening = True


def _forget_cleanups(session) -> None:
    session.info.pop("on_rollback", None)


def _run_cleanups(session) -> None:
    for cleanup in session.info.pop("on_rollback", []):
        cleanup()
