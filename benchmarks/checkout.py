"""Checkout benchmark: many buyers at once against gunicorn on PostgreSQL, through the JSON API.

    make bench-checkout          (needs PostgreSQL; BENCH_POSTGRES_URL, default postgres@127.0.0.1/postgres)

Each simulated buyer is a thread doing what the mobile app does: open a guest cart, add two items from
two shops, check out with cash on delivery. Two runs:
- "spread": buyers pick among 200 variants with ample stock (a market day);
- "one hot item": every buyer wants the same variant (a flash sale), so every checkout waits on one row.
The database is a fresh one made for the run (`bench_checkout`) and dropped afterwards. The load
generator runs on the same two cores as gunicorn and PostgreSQL, so the figures are a floor.
Results replace the "Checkout" section of benchmarks/results.md.
"""

import json
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

RESULTS = Path(__file__).resolve().parent / "results.md"
ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "bench_checkout"
WORKERS = 4
BUYERS = 32  # at once
SECONDS = 20
ADDRESS = {"recipient": "Trần Thị Bình", "phone": "0987 654 321", "province_code": 96, "ward_code": 32002,
           "street": "Ấp Tân Hưng"}


def _database_url() -> str:
    base = ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{DB_NAME}"


def _recreate_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DB_NAME}")


def _drop_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def _seed(data_dir: str) -> list[tuple[int, int]]:
    """20 shops with 10 products each; returns (variant id, shop id) pairs."""
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.accounts.services import register_user
    from marketplace.catalog.models import Category
    from marketplace.catalog.services import create_product
    from marketplace.extensions import db
    from marketplace.shops.services import open_shop

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        category = db.session.scalar(db.select(Category).where(Category.parent_id.is_not(None)))
        variants = []
        for n in range(20):
            owner = register_user(name=f"Người bán {n}", phone=f"09130{n:05d}", password="matkhau123")
            shop = open_shop(owner, {"name": f"Gian hàng {n}", "province_code": 96, "ward_code": 32002,
                                     "address": "Ấp Tân Hưng", "phone": f"09130{n:05d}",
                                     "shipping_fee_vnd": 30_000, "free_shipping_from_vnd": 500_000})
            for m in range(10):
                product = create_product(shop, owner, title=f"Khô cá dứa {n}-{m}", category_id=category.id,
                                         unit="kg", description="",
                                         variants=[{"name": "500 g", "price_vnd": 150_000 + m * 1000,
                                                    "stock": 1_000_000}])
                db.session.flush()
                variants.append((product.variants[0].id, shop.id))
        db.session.commit()
        db.engine.dispose()
    return variants


def _post(url: str, body: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _buyer(base: str, choose, deadline: float, out: dict, lock: threading.Lock) -> None:
    rng = random.Random()
    while time.monotonic() < deadline:
        status, cart = _post(f"{base}/api/v1/cart", {}, {})
        headers = {"X-Cart-Token": cart.get("token", "")}
        for variant_id in choose(rng):
            _post(f"{base}/api/v1/cart/items", {"variant_id": variant_id, "quantity": 1}, headers)
        start = time.perf_counter()
        status, _ = _post(f"{base}/api/v1/checkout", {"address": ADDRESS, "payment_method": "cod"}, headers)
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            out["latencies" if status == 201 else "failures"].append(elapsed if status == 201 else status)


def _run(base: str, choose) -> dict:
    out, lock = {"latencies": [], "failures": []}, threading.Lock()
    deadline = time.monotonic() + SECONDS
    started = time.monotonic()
    threads = [threading.Thread(target=_buyer, args=(base, choose, deadline, out, lock)) for _ in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = sorted(out["latencies"])
    return {"checkouts": len(latencies), "per_second": len(latencies) / elapsed,
            "p50": statistics.median(latencies) if latencies else 0,
            "p95": latencies[int(len(latencies) * 0.95) - 1] if latencies else 0,
            "failures": len(out["failures"])}


def _hello_rps(data_dir: str) -> tuple[float, float | None]:
    """The reference: a bare Flask hello under the same gunicorn, loaded by the same buyers' threads; and, for
    comparison with `make bench-pages`, by wrk (when installed)."""
    import shutil

    from benchmarks.pages import HELLO, Server, wrk

    folder = Path(data_dir) / "hello"
    folder.mkdir(exist_ok=True)
    (folder / "hello.py").write_text(HELLO)
    server = Server("hello:app", 5082, {}, folder)
    counted, lock = [0], threading.Lock()
    deadline = time.monotonic() + SECONDS

    def visitor() -> None:
        n = 0
        while time.monotonic() < deadline:
            with urllib.request.urlopen(server.base + "/", timeout=60) as response:
                response.read()
            n += 1
        with lock:
            counted[0] += n

    try:
        started = time.monotonic()
        threads = [threading.Thread(target=visitor) for _ in range(BUYERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        same_threads = counted[0] / (time.monotonic() - started)
        return same_threads, wrk(server.base + "/") if shutil.which("wrk") else None
    finally:
        server.stop()


def _stock_consistent() -> tuple[int, int]:
    """Units ordered and units taken from stock: they must be equal."""
    with psycopg.connect(_database_url()) as connection:
        ordered = connection.execute("SELECT coalesce(sum(quantity), 0) FROM order_line").fetchone()[0]
        taken = connection.execute("SELECT coalesce(sum(1000000 - stock), 0) FROM variant").fetchone()[0]
    return int(ordered), int(taken)


def main() -> None:
    import tempfile

    _recreate_database()
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            # Before anything reads the settings (config.py reads the environment when imported).
            os.environ.update(DATABASE_URL=_database_url(), DATA_DIR=data_dir, APP_ENV="development")
            sys.path.insert(0, str(ROOT))
            from tests.live import gunicorn

            variants = _seed(data_dir)
            ids = [v for v, _ in variants]
            hot = ids[0]
            runs = {
                "spread (2 items from 2 shops, 200 variants)": lambda rng: rng.sample(ids, 2),
                "one hot item (every buyer, the same variant + one other)": lambda rng: [hot, rng.choice(ids[1:])],
            }
            rows = {}
            env = {"DATABASE_URL": _database_url(), "DATA_DIR": data_dir}
            hello = [_hello_rps(data_dir)]
            with gunicorn(workers=WORKERS, **env) as base:
                for name, choose in runs.items():
                    rows[name] = _run(base, choose)
                    print(f"{name}: {rows[name]}")
            hello.append(_hello_rps(data_dir))
            print(f"bare Flask hello, the same threads and wrk: {hello}")
            ordered, taken = _stock_consistent()
            print(f"units ordered {ordered}, units taken from stock {taken}")
    finally:
        _drop_database()
    write_results(rows, ordered, taken, hello)


def write_results(rows: dict, ordered: int, taken: int, hello: list[float]) -> None:
    import platform

    with psycopg.connect(ADMIN_URL) as connection:
        server = connection.execute("SHOW server_version").fetchone()[0]
    lines = [
        "## Checkout (`make bench-checkout`)",
        "",
        f"gunicorn with {WORKERS} sync workers on PostgreSQL {server}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; {BUYERS} buyers at once for {SECONDS} s each run, each a guest doing what "
        "the app does (open a cart, add two items, `POST /api/v1/checkout` with cash on delivery). The load "
        f"generator shares the machine. Run on {time.strftime('%Y-%m-%d')}.",
        "",
        f"The reference, a bare Flask hello under the same gunicorn loaded by the same {BUYERS} threads (one GET "
        f"after another), before and after: {' and '.join(f'{h:,.0f}' for h, _ in hello)} requests/s; loaded by "
        f"wrk -t2 -c16 as in `make bench-pages`: {' and '.join(f'{w:,.0f}' for _, w in hello if w)} requests/s.",
        "",
        "| Run | Checkouts | Checkouts/s | ratio to hello (same threads) | ratio to hello (wrk) | checkout p50 "
        "| checkout p95 | refused |",
        "|---|---|---|---|---|---|---|---|",
    ]
    reference = sum(h for h, _ in hello) / len(hello)
    by_wrk = [w for _, w in hello if w]
    for name, row in rows.items():
        against_wrk = f"{row['per_second'] / (sum(by_wrk) / len(by_wrk)):.3f}" if by_wrk else ""
        lines.append(f"| {name} | {row['checkouts']} | {row['per_second']:.1f} | {row['per_second'] / reference:.3f} "
                     f"| {against_wrk} | {row['p50']:.0f} ms | {row['p95']:.0f} ms | {row['failures']} |")
    lines += ["", f"Units ordered: {ordered:,}; units taken from stock: {taken:,} (they must be equal)."]
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(r"## Checkout \(.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    RESULTS.write_text(text.rstrip() + "\n")


if __name__ == "__main__":
    main()
