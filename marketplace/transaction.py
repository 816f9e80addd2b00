"""Transaction hooks: "after this commit, do X" and "if this change is undone, undo Y".

What must not happen for a change that is rolled back (a mail, the search index) waits for the commit:
`after_commit(func, *args)`. What a change did outside the database (a file written) is undone if the change
is rolled back: `on_rollback(func, *args)`. Both belong to the transaction or savepoint they were queued in:
a savepoint that rolls back drops its after-commit work and undoes its own work only, never the outer
transaction's; one that is released hands its work to the transaction around it.

Either kind runs only once the outermost transaction has ended, so undoing never waits on the request's own
locks (a photo's cleanup claims its key in a transaction of its own, media/services.py). They run between
transactions: a service prepares what they need beforehand. A failure is logged and goes no further: the
commit it follows stands, and the error that caused a rollback matters more than a failed cleanup.

A savepoint on SQLite: pysqlite opens a transaction only before a write, so a SAVEPOINT issued before the
request's first write would itself open the transaction, and its RELEASE would commit it, whatever the
request does next. The transaction is begun (IMMEDIATE: take the write lock now rather than deadlock on it
after a read) just before such a savepoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import SessionTransaction

from .extensions import db

KEY = "transaction_hooks"

Call = tuple[Callable, tuple]


@dataclass
class _Hooks:
    """What one transaction or savepoint queued."""

    after_commit: list[Call] = field(default_factory=list)
    on_rollback: list[Call] = field(default_factory=list)
    undone: list[Call] = field(default_factory=list)  # the outermost's: undo work of savepoints rolled back
    committed: bool = False


def after_commit(func: Callable, *args, once: bool = False) -> None:
    """Run func(*args) after the outermost commit, unless what it was queued in rolls back first.
    `once`: not if the same call is already waiting (the search index needs one pass, however many flushes)."""
    call, session = (func, args), db.session()
    if once and any(call in hooks.after_commit for hooks in session.info.get(KEY, {}).values()):
        return
    _current(session).after_commit.append(call)


def on_rollback(func: Callable, *args) -> None:
    """Run func(*args) once the outermost transaction has ended, if what it was queued in was rolled back."""
    _current(db.session()).on_rollback.append((func, args))


def _current(session) -> _Hooks:
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    return _hooks_of(session, transaction)


def _hooks_of(session, transaction: SessionTransaction) -> _Hooks:
    return session.info.setdefault(KEY, {}).setdefault(transaction, _Hooks())


def _enclosing(transaction: SessionTransaction) -> SessionTransaction:
    """The savepoint or outermost transaction around this savepoint (flushes open inner ones of their own)."""
    parent = transaction.parent
    while parent.parent is not None and not parent.nested:
        parent = parent.parent
    return parent


def _outermost(transaction: SessionTransaction) -> SessionTransaction:
    while transaction.parent is not None:
        transaction = transaction.parent
    return transaction


@event.listens_for(Session, "after_commit")
def _mark_committed(session) -> None:
    # Fired for a savepoint's release too; the one committing is still the current one.
    transaction = session.get_nested_transaction() or session.get_transaction()
    hooks = session.info.get(KEY, {}).get(transaction)
    if hooks is not None:
        hooks.committed = True


@event.listens_for(Session, "after_transaction_end")
def _end(session, transaction: SessionTransaction) -> None:
    queued = session.info.get(KEY, {})
    hooks = queued.pop(transaction, None)
    if hooks is None:
        return
    if transaction.nested:
        if hooks.committed:
            outer = _hooks_of(session, _enclosing(transaction))
            outer.after_commit += hooks.after_commit
            outer.on_rollback += hooks.on_rollback
        else:
            _hooks_of(session, _outermost(transaction)).undone += hooks.on_rollback
        return
    if hooks.committed:
        _run(hooks.after_commit, "after the commit")
        _run(hooks.undone, "undoing a rolled-back savepoint")
    else:
        _run(hooks.undone + hooks.on_rollback, "undoing after a rollback")


def _run(calls: list[Call], when: str) -> None:
    for func, args in calls:
        try:
            func(*args)
        except Exception:
            current_app.logger.exception("%s failed %s", getattr(func, "__qualname__", func), when)


@event.listens_for(Engine, "savepoint")
def _begin_before_a_first_savepoint_on_sqlite(connection, name) -> None:
    if connection.dialect.name == "sqlite":
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN IMMEDIATE")
