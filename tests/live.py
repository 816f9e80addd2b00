"""A real gunicorn server on the test database, for browser and multi-process tests; and an app with other
extension settings in a new process, for what a second app in this one would change for the whole run."""

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR, ROOT, _database_url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 2, **env_overrides):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "DATA_DIR": str(DATA_DIR), "APP_ENV": "development",
           "SECRET_KEY": "live-test-secret", **env_overrides}
    bin_dir = Path(sys.executable).parent
    process = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "wsgi:app"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + process.stdout.read().decode(errors="replace")[-2000:])
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


CHILD = textwrap.dedent("""
    import json, sys
    from config import TestingConfig
    from marketplace import create_app

    settings, calls = json.load(sys.stdin)
    client = create_app(type("ChildConfig", (TestingConfig,), settings)).test_client()
    answers = []
    for call in calls:
        response = client.open(**call)
        answers.append({"status": response.status_code, "headers": dict(response.headers),
                        "body": response.get_data(as_text=True)})
    print(json.dumps(answers))
""")


def requests_in_a_new_process(app, calls: list[dict], timeout: int = 120, **settings) -> tuple[list[dict], str]:
    """`calls` (keyword arguments of the test client's open()) made to an app with these settings on the test
    database, built in a new Python process: the limiter and Talisman are module globals, and a second app here
    with another storage or other options would keep them so for the rest of the run. Returns the answers and
    what the process logged."""
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "DATA_DIR": app.config["DATA_DIR"],
                **settings}
    result = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps([settings, calls]), cwd=ROOT,
                            capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr
