"""What a silent Redis costs the requests of one worker: the limiter's storage accepts connections and never
answers (a stuck server, a network dropping packets), and login keeps being used.

    .venv/bin/python -m benchmarks.limiter_outage

One process per mode (the limiter is a module global): redis-py's own socket timeouts (5 s), and the 1 s the
app sets for the limiter's Redis (marketplace/__init__.py). Each sends one `POST /api/v1/auth/token` every
100 ms for 64 s (one round of Flask-Limiter's retries of the storage: after 1, 2, 4 ... 32 s) and records how
long each took. Results are written to benchmarks/results.md, replacing the previous "Limits with a silent
Redis" section.
"""

import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results.md"
WINDOW = 64.0
PAUSE = 0.1
SLOW = 0.5  # a request slower than this waited on Redis


def measure(options: dict | None) -> dict:
    from config import TestingConfig
    from marketplace import create_app
    from marketplace.extensions import db

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    silent = socket.socket(socket.AF_UNIX)
    silent.bind(str(work / "redis.sock"))
    silent.listen(64)
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'bench.db'}", "DATA_DIR": str(work),
                "RATELIMIT_STORAGE_URI": f"redis+unix://{work / 'redis.sock'}", "LOGIN_RATE_LIMIT": "100000 per minute"}
    if options is not None:
        settings["RATELIMIT_STORAGE_OPTIONS"] = options
    app = create_app(type("BenchConfig", (TestingConfig,), settings))
    with app.app_context():
        db.create_all()
    client = app.test_client()
    times = []
    start = time.monotonic()
    while time.monotonic() - start < WINDOW:
        began = time.monotonic()
        client.post("/api/v1/auth/token", json={"login": "0912000556", "password": "sai"})
        times.append(time.monotonic() - began)
        time.sleep(PAUSE)
    slow = [t for t in times if t > SLOW]
    return {"requests": len(times), "first": times[0], "slow": len(slow) - 1,
            "slow_median": statistics.median(slow[1:]) if len(slow) > 1 else 0.0,
            "blocked": sum(slow) / (time.monotonic() - start), "median": statistics.median(times)}


def run(mode: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "benchmarks.limiter_outage", mode], cwd=ROOT.parent,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def write(rows: dict[str, dict]) -> None:
    lines = [
        "## Limits with a silent Redis (`python -m benchmarks.limiter_outage`)",
        "",
        f"One worker's `POST /api/v1/auth/token` every {PAUSE * 1000:.0f} ms for {WINDOW:.0f} s while the limiter's "
        "Redis accepts connections and never answers; Flask-Limiter falls back to memory at the first failure and "
        "asks Redis again after 1, 2, 4 ... 32 s. "
        f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}. "
        f"Run on {time.strftime('%Y-%m-%d')}.",
        "",
        "| Redis socket timeouts | first request | later requests that waited | each waited | time blocked | "
        "other requests (median) |",
        "|---|---|---|---|---|---|",
    ]
    for mode, r in rows.items():
        lines.append(f"| {mode} | {r['first']:.1f} s | {r['slow']} of {r['requests']} | {r['slow_median']:.1f} s | "
                     f"{r['blocked']:.0%} | {r['median'] * 1000:.0f} ms |")
    lines += ["", "A sync gunicorn worker serves nobody while it waits, so \"time blocked\" is the share of its "
              "capacity the outage takes. redis-py tries a command twice, hence a first request of two timeouts."]
    text = RESULTS.read_text()
    section = "\n".join(lines) + "\n"
    pattern = re.compile(r"## Limits with a silent Redis.*?(?=\n## |\Z)", re.S)
    RESULTS.write_text(pattern.sub(section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(json.dumps(measure(None if sys.argv[1] == "app" else {})))
    else:
        rows = {"redis-py's defaults (5 s)": run("defaults"), "the app's (1 s)": run("app")}
        write(rows)
        print(json.dumps(rows, indent=2))
