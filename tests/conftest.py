"""Fixtures: one migrated database per run (SQLite file or TEST_DATABASE_URL), emptied between tests.

Under pytest-xdist (`make test` runs `pytest -n auto`) each worker is a process of its own with its own
DATA_DIR, hence its own SQLite file, and on PostgreSQL its own database next to TEST_DATABASE_URL's
(`test` -> `test_gw0`, `test_gw1`, created when missing).
"""

import io
import os
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from PIL import Image as PILImage
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Engine

from config import TestingConfig

ROOT = Path(__file__).resolve().parent.parent
# Categories are seeded by the migration; the page cache's version row too (empty_database raises it instead).
KEEP_TABLES = {"alembic_version", "category", "cache_version"}
PASSWORD = "matkhau123"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1 ... under pytest -n
DATA_DIR = Path(tempfile.mkdtemp(prefix=f"marketplace-test-{WORKER}-" if WORKER else "marketplace-test-"))
os.environ["DATA_DIR"] = str(DATA_DIR)  # for the processes a test starts; xdist's workers inherit the runner's


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{DATA_DIR / 'test.db'}"
    if not WORKER:
        return url
    server = make_url(url)
    return server.set(database=f"{server.database}_{WORKER}").render_as_string(hide_password=False)


def _create_worker_database() -> None:
    """This worker's PostgreSQL database, made through TEST_DATABASE_URL's (which must exist) if missing."""
    server = make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    name = make_url(_database_url()).database
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


# The slow groups (browser, schemathesis, the big races, the demo's photos): `pytest -m "not slow"` leaves them
# out while working; `make test` and CI run them.
SLOW = (
    "tests/e2e/",
    "tests/api/contract/",
    "tests/orders/test_concurrent_checkout.py",
    "tests/search/test_concurrent_edits.py",
    "tests/cli/test_seed_demo.py",
)


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)


def pytest_unconfigure(config):
    shutil.rmtree(DATA_DIR, ignore_errors=True)


@event.listens_for(Engine, "connect")
def _commit_without_waiting_for_the_disk(dbapi_connection, connection_record):
    # A throwaway database need not survive a power cut: waiting for the disk at every commit was a large
    # share of the suite's time on a busy machine. Locking, transactions and visibility are unchanged.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = OFF")
    elif isinstance(dbapi_connection, psycopg.Connection):
        dbapi_connection.execute("SET synchronous_commit = off")
        dbapi_connection.commit()  # a SET in a transaction rolled back would be undone


def make_test_app(**overrides):
    from marketplace import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": _database_url(), "DATA_DIR": str(DATA_DIR), **overrides}
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        settings["SQLALCHEMY_DATABASE_URI"] = settings["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1)
    config = type("TestConfig", (TestingConfig,), settings)
    return create_app(config)


def is_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from marketplace.extensions import db

    app = make_test_app()
    if is_postgres(app) and WORKER:
        _create_worker_database()
    with app.app_context():
        if is_postgres(app):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
    return app


RESTART_SEQUENCES = text("""
    SELECT setval(sequence.oid::regclass, 1, false)
    FROM pg_class sequence
    JOIN pg_depend owner ON owner.classid = 'pg_class'::regclass AND owner.objid = sequence.oid
                         AND owner.deptype IN ('a', 'i')
    JOIN pg_class owning_table ON owning_table.oid = owner.refobjid
    WHERE sequence.relkind = 'S' AND owning_table.relname = ANY(:tables)
""")


@pytest.fixture(autouse=True)
def _clean(request):
    yield
    if "app" in request.fixturenames:
        empty_database(request.getfixturevalue("app"))


def empty_database(app) -> None:
    """Every row a test wrote gone (the migration's categories kept), ids from 1 again, limits, photos and the
    search index reset: the state each test starts from."""
    from marketplace.extensions import db, limiter

    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        with db.engine.begin() as connection:
            # DELETE, children first: a test leaves a handful of rows, and TRUNCATE, which makes new files for
            # every table and index, took far longer (0.6-1 s a test on a busy machine, against ~15 ms).
            for table in tables:
                connection.execute(table.delete())
            if is_postgres(app):
                # Ids start again from 1, as SQLite's do once a table is empty.
                connection.execute(RESTART_SEQUENCES, {"tables": [t.name for t in tables]})
            # Deleting by statement is no change the page cache hears of: the next test must not see a page
            # of this one's (the same ids, the same version).
            connection.execute(text("UPDATE cache_version SET value = value + 1"))
        limiter.reset()
    shutil.rmtree(DATA_DIR / "media", ignore_errors=True)
    shutil.rmtree(DATA_DIR / "search", ignore_errors=True)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def no_page_cache(app, monkeypatch):
    """Every page rendered: for counting what rendering costs, or a test that writes behind the app's back."""
    monkeypatch.setitem(app.config, "PAGE_CACHE", False)


@pytest.fixture
def client(app):
    return app.test_client()


# --- factories (through the services, so the rules apply) ---------------------------

class Factory:
    def __init__(self, app):
        self.app = app
        self.counter = 0

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def user(self, name="Nguyễn Văn An", phone=None, email=None, password=PASSWORD):
        from marketplace.accounts.services import register_user
        from marketplace.extensions import db

        with self.app.app_context():
            n = self._next()
            if phone is None and email is None:
                phone = f"09{n:08d}"
            user = register_user(name=name, phone=phone, email=email, password=password)
            db.session.commit()
            return _Ref(id=user.id, phone=user.phone, email=user.email, login=phone or email, password=password)

    def shop(self, owner, name=None, **fields):
        from marketplace.accounts.models import User
        from marketplace.extensions import db
        from marketplace.shops.services import open_shop

        with self.app.app_context():
            data = {"name": name or f"Tôm khô Đất Mũi {self._next()}", "province_code": 96, "ward_code": 32002,
                    "address": "Ấp Kinh Hòa", "phone": "0912345678", **fields}
            shop = open_shop(db.session.get(User, owner.id), data)
            db.session.commit()
            return _Ref(id=shop.id, slug=shop.slug, name=shop.name)

    def product(self, owner, shop, title="Tôm khô Cà Mau loại 1", status="active", variants=None, **fields):
        from marketplace.accounts.models import User
        from marketplace.catalog.services import create_product
        from marketplace.extensions import db
        from marketplace.shops.models import Shop

        with self.app.app_context():
            product = create_product(
                db.session.get(Shop, shop.id), db.session.get(User, owner.id), title=title,
                category_id=fields.pop("category_id", 2), unit=fields.pop("unit", "kg"), status=status,
                variants=variants or [{"name": "500 g", "price_vnd": 450_000, "stock": 10}], **fields,
            )
            db.session.commit()
            return _Ref(id=product.id, slug=product.slug, variant_ids=[v.id for v in product.variants])


class _Ref:
    """Plain ids and values, usable outside an app context."""

    def __init__(self, **values):
        self.__dict__.update(values)


@pytest.fixture
def factory(app):
    return Factory(app)


def login(client, user) -> None:
    response = client.post("/account/login", data={"login": user.login, "password": user.password})
    assert response.status_code == 302, response.data


def token_for(client, user) -> dict:
    response = client.post("/api/v1/auth/token", json={"login": user.login, "password": user.password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


# --- images made in the test, never downloaded --------------------------------------

def jpeg_bytes(size=(640, 480), color=(200, 120, 60), **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG", quality=90, **save_kwargs)
    return buffer.getvalue()


def png_bytes(size=(64, 64), color=(30, 160, 90, 255)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGBA", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def media_files() -> list[Path]:
    root = DATA_DIR / "media"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def table_count(app, model) -> int:
    from sqlalchemy import func, select

    from marketplace.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))





@contextmanager
def statements_run(app):
    """The SQL statements run meanwhile, as a list that grows."""
    from sqlalchemy import event

    from marketplace.extensions import db

    statements: list[str] = []

    def listener(connection, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def queries_for(client, path: str, headers=None) -> int:
    """How many SQL statements a GET of `path` runs (it must answer 200): for the fixed-queries tests."""
    with statements_run(client.application) as statements:
        assert client.get(path, headers=headers).status_code == 200
    return len(statements)
