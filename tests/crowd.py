"""Many requests at the same moment, for race tests.

Each racer is a thread with its own app context, hence its own session and its own database connection
(a separate app whose pool holds one for every racer), and all are released together by one barrier. On
PostgreSQL they really overlap in the database (a conditional UPDATE waits on the row lock, an INSERT on
the unique index); on SQLite writers queue on the database lock (busy timeout, see create_app).
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask

from tests.conftest import make_test_app


@contextmanager
def crowd_app(racers: int, **settings) -> Iterator[Flask]:
    """A second app on the test database, with a connection for each racer (and a few to spare)."""
    from marketplace.extensions import db

    crowd = make_test_app(**settings, SQLALCHEMY_ENGINE_OPTIONS={
        "pool_size": racers + 5, "max_overflow": 0, "pool_timeout": 60})
    try:
        yield crowd
    finally:
        with crowd.app_context():
            db.engine.dispose()


def at_once(app: Flask, calls: list[Callable[[], object]], timeout: float = 120) -> list[tuple]:
    """Runs every call on its own thread, all starting together, and commits after each call that returns.

    Returns one outcome per call, in order: ("ok", what it returned); (status, message) for a DomainError,
    rolled back; ("crash", repr) for anything else, rolled back. A call may also drive a test client: the
    request then commits or rolls back itself, and the commit here has nothing left to do.
    """
    from marketplace.errors import DomainError
    from marketplace.extensions import db

    start = threading.Barrier(len(calls))
    outcomes: list[tuple | None] = [None] * len(calls)

    def race(index: int, call: Callable[[], object]) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                value = call()
                db.session.commit()
                outcomes[index] = ("ok", value)
            except DomainError as error:
                db.session.rollback()
                outcomes[index] = (error.status, error.message)
            except Exception as error:  # anything else is a failure the caller's assertion shows
                db.session.rollback()
                outcomes[index] = ("crash", repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=race, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    unfinished = sum(outcome is None for outcome in outcomes)
    assert not unfinished, f"{unfinished} of {len(calls)} racers did not finish within {timeout} s"
    return outcomes
