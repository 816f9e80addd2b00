"""The catalogue version: what makes the page cache never wrong.

A model whose rows show on public pages or in the public API inherits `ShownInCatalogue`. Any flush that adds,
changes or deletes such a row marks the session, as does `catalogue_changed()` for changes made by SQL
statements (the stock an order takes); the commit then raises the version as its last statement, inside the
transaction. A reader that saw the old version may have read the old rows or the new ones, and files its answer
under the old version, which nobody asks for once the commit is visible; a reader that sees the new version
sees the new rows. The row is updated only just before the commit, so the lock it takes is held for the commit
alone, and only transactions that change the catalogue take it.
"""

import threading
from itertools import chain

from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, event, select, update
from sqlalchemy.pool import NullPool

from ..extensions import db
from .models import CATALOGUE, CacheVersion

FLAG = "catalogue_changed"


class ShownInCatalogue:
    """Marks a model whose changes show on cached pages (see the module's docstring)."""


def catalogue_changed(session=None) -> None:
    """Say that this transaction changed what the catalogue shows, by a statement the ORM did not flush."""
    (session or db.session()).info[FLAG] = True


_READ = "SELECT value FROM cache_version WHERE name = 'catalogue'"  # CATALOGUE; on every cached page: no ORM


def current_version() -> int | None:
    """The committed version as this transaction sees it; None when there is none to key by (no row)."""
    return db.session.connection().exec_driver_sql(_READ).scalar()


@event.listens_for(Session, "before_flush")
def _note_changes(session, _flush_context, _instances) -> None:
    if session.info.get(FLAG):
        return
    for obj in chain(session.new, session.deleted, session.dirty):
        if isinstance(obj, ShownInCatalogue) and (
                obj not in session.dirty or session.is_modified(obj, include_collections=False)):
            session.info[FLAG] = True
            return


@event.listens_for(Session, "before_commit")
def _raise_version(session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()  # what is still pending is part of this commit
    if session.info.pop(FLAG, False):
        session.execute(update(CacheVersion).where(CacheVersion.name == CATALOGUE)
                        .values(value=CacheVersion.value + 1))


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction) -> None:
    if transaction.parent is None:  # a savepoint rolled back leaves the mark: a needless raise, never a miss
        session.info.pop(FLAG, None)


def version_select():
    """The version as a column of a larger SELECT (the front asks it with the header's counts)."""
    return select(CacheVersion.value).where(CacheVersion.name == CATALOGUE).scalar_subquery()


class RowReader:
    """One row of a statement outside any request, for the front middleware: on a connection each thread keeps,
    in autocommit (no transaction to open and end, one round trip). A dropped connection fails the read (that
    request goes on to Flask) and is replaced at the next. An in-memory SQLite (the tests') is one connection,
    shared with the app's engine. Statements are compiled once, for the database's dialect."""

    def __init__(self, app):
        with app.app_context():
            engine = db.engine
        url = engine.url
        self.shared = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
        self.engine = engine if self.shared else create_engine(
            url, isolation_level="AUTOCOMMIT", poolclass=NullPool, **_connect_args(app))
        self.local = threading.local()
        self.compiled: dict = {}

    def version(self) -> int | None:
        row = self.row(_READ, ())
        return row[0] if row else None

    def row_of(self, statement, **params) -> tuple | None:
        """The first row of a Core statement, `params` given to its bindparam()s."""
        compiled = self.compiled.get(statement)
        if compiled is None:
            compiled = self.compiled[statement] = statement.compile(dialect=self.engine.dialect)
        values = compiled.construct_params(params)
        if self.engine.dialect.positional:
            values = tuple(values[name] for name in compiled.positiontup)
        return self.row(str(compiled), values)

    def row(self, sql: str, params) -> tuple | None:
        if self.shared:
            with self.engine.connect() as connection:
                return connection.exec_driver_sql(sql, params).first()
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            row = cursor.fetchone()
            cursor.close()
        except Exception:
            self.local.connection = None
            connection.invalidate()
            raise
        return tuple(row) if row else None


def _connect_args(app) -> dict:
    args = (app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).get("connect_args")
    return {"connect_args": args} if args else {}
