"""Product search: Vietnamese analysis, a backend behind an interface, and sync with the database."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from ..cache import add_dependency
from .backend import SearchBackend
from .whoosh_backend import WhooshBackend

BACKENDS: dict[str, type[SearchBackend]] = {"whoosh": WhooshBackend}

search_cli = AppGroup("search", help="The product search index.")


def init_search(app: Flask) -> None:
    from . import models, sync  # noqa: F401  (models: the outbox table joins the metadata)

    name = app.config["SEARCH_BACKEND"]
    if name not in BACKENDS:
        raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    root = app.config.get("SEARCH_DIR") or str(Path(app.config["DATA_DIR"]) / "search")
    app.extensions["search"] = backend = BACKENDS[name](root)
    add_dependency(app, "search", backend.generation)  # a results page shows what the index holds
    app.cli.add_command(search_cli)
    if not event.contains(Session, "after_flush", sync.record_changes):
        event.listen(Session, "after_flush", sync.record_changes)


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Build a fresh index beside the live one and swap it in."""
    from .sync import rebuild

    click.echo(f"Search index rebuilt: {rebuild()} products.")


@search_cli.command("drain")
def drain_command() -> None:
    """Apply queued index changes now (normally done after each commit)."""
    from .sync import drain

    click.echo(f"Applied {drain()} queued changes.")
