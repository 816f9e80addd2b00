"""Page benchmark: the hot pages against a bare Flask "hello" under the same gunicorn, in the same run.

    make bench-pages     (needs wrk, Debian's package `wrk`, and PostgreSQL; BENCH_POSTGRES_URL as bench-checkout)

A fresh database (`bench_pages`) gets the demo (`flask seed-demo`); gunicorn serves it with 4 sync workers and
wrk loads each page for DURATION seconds with 2 threads and 16 connections, first as an anonymous visitor,
then as the demo buyer signed in (its session cookie on every request). The bare hello app runs under the
same gunicorn before and after the pages; a page's ratio is its requests per second over the hello's mean.
Set BENCH_CACHE_REDIS_URL to serve the page cache from Redis instead of each worker's memory.
Results replace the "Pages" section of benchmarks/results.md.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg

RESULTS = Path(__file__).resolve().parent / "results.md"
ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "bench_pages"
WORKERS = 4
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
BUYER = ("0912000099", "matkhau123")
HELLO = "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef hello():\n    return 'Hello, World!'\n"


def _database_url() -> str:
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{DB_NAME}"


def _admin(statement: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read().decode(errors="replace")[-3000:]) from None
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


class Server:
    def __init__(self, app: str, port: int, env: dict, cwd: Path):
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--log-level", "warning", app],
            env={**os.environ, **env}, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        _wait_for(self.base + "/", self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(url: str, cookie: str | None = None) -> float:
    """Requests per second; every answer must be a 200 (wrk counts the others as non-2xx)."""
    command = ["wrk", "-t2", "-c16", f"-d{DURATION}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie or ""})).read()  # warm
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{url} answered errors under load:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def sign_in(base: str) -> str:
    """The demo buyer's session cookie, signed in through the login form."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/account/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "login": BUYER[0], "password": BUYER[1]}).encode()
    opener.open(base + "/account/login", body).read()
    cookies = {c.name: c.value for c in jar}
    assert "session" in cookies, "not signed in"
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _session_of(url: str) -> str:
    """The session cookie a first visit to this page set (its CSRF token): an anonymous visitor's next views."""
    jar = CookieJar()
    urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)).open(url).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _pages(base: str) -> dict[str, str]:
    with psycopg.connect(_database_url()) as connection:
        product = connection.execute("SELECT slug FROM product WHERE status = 'active' ORDER BY id LIMIT 1"
                                     ).fetchone()[0]
        shop = connection.execute("SELECT slug FROM shop ORDER BY id LIMIT 1").fetchone()[0]
        category = connection.execute("SELECT slug FROM category WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1"
                                      ).fetchone()[0]
        batch = connection.execute("SELECT public_code FROM batch ORDER BY id LIMIT 1").fetchone()
    pages = {"home `/`": "/", "product `/products/<slug>`": f"/products/{product}",
             "search `/search?q=tom+kho`": "/search?q=tom+kho", "category `/products?category=`":
             f"/products?category={category}", "storefront `/shops/<slug>`": f"/shops/{shop}"}
    if batch:
        pages["trace `/t/<code>`"] = f"/t/{batch[0]}"
    return {name: base + path for name, path in pages.items()}


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    _admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    _admin(f"CREATE DATABASE {DB_NAME}")
    rows, hello = [], []
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            env = {"DATABASE_URL": _database_url(), "DATA_DIR": data_dir, "APP_ENV": "development",
                   "SECRET_KEY": "bench-pages-secret", "RATELIMIT_ENABLED": "0"}
            if os.environ.get("BENCH_CACHE_REDIS_URL"):
                env["CACHE_REDIS_URL"] = os.environ["BENCH_CACHE_REDIS_URL"]
            flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
            for command in ("db upgrade", "seed-demo"):
                subprocess.run(flask + command.split(), env={**os.environ, **env}, cwd=ROOT, check=True,
                               capture_output=True)
            hello_dir = Path(data_dir) / "hello"
            hello_dir.mkdir()
            (hello_dir / "hello.py").write_text(HELLO)
            hello.append(_hello(hello_dir))
            server = Server("wsgi:app", 5081, env, ROOT)
            try:
                cookie = sign_in(server.base)
                for name, url in _pages(server.base).items():
                    anonymous = wrk(url)
                    returning = wrk(url, _session_of(url)) if name.startswith("product") else None
                    signed_in = wrk(url, cookie) if name.startswith(("home", "product")) else None
                    rows.append((name, anonymous, returning, signed_in))
                    print(f"{name}: anonymous {anonymous:.0f} rps, returning {returning or '-'}, "
                          f"signed in {signed_in or '-'}")
            finally:
                server.stop()
            hello.append(_hello(hello_dir))
    finally:
        _admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    write_results(rows, hello)


def _hello(directory: Path) -> float:
    server = Server("hello:app", 5080, {}, directory)
    try:
        rps = wrk(server.base + "/")
    finally:
        server.stop()
    print(f"bare Flask hello: {rps:.0f} rps")
    return rps


def write_results(rows: list, hello: list[float]) -> None:
    import platform

    reference = sum(hello) / len(hello)
    cache = "Redis" if os.environ.get("BENCH_CACHE_REDIS_URL") else "each worker's memory"
    lines = [
        "## Pages (`make bench-pages`)",
        "",
        f"gunicorn with {WORKERS} sync workers on PostgreSQL, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; wrk -t2 -c16 for {DURATION} s a page on loopback, sharing the machine; the "
        f"demo data; page cache in {cache}. Bare Flask hello under the same gunicorn: "
        f"{' and '.join(f'{h:,.0f}' for h in hello)} rps (before and after the pages). "
        f"Run on {time.strftime('%Y-%m-%d')}.",
        "",
        "| page | anonymous, first visit (no cookie) rps | ratio | anonymous, with its session rps | ratio "
        "| signed-in buyer rps | ratio |",
        "|---|---|---|---|---|---|---|",
    ]

    def cells(rps):
        return f"{rps:,.0f} | {rps / reference:.2f}" if rps else " | "

    for name, anonymous, returning, signed_in in rows:
        lines.append(f"| {name} | {cells(anonymous)} | {cells(returning)} | {cells(signed_in)} |")
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(r"## Pages \(.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    RESULTS.write_text(text.rstrip() + "\n")


if __name__ == "__main__":
    main()
