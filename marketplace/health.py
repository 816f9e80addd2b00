"""Probes for whoever runs the site: `/healthz` (liveness) answers as long as the process serves requests and
touches nothing else; `/readyz` (readiness) also asks each dependency a request needs whether it answers.

A dependency is a named check registered on the app with add_readiness_check(); whatever adds one (media
storage, a job queue) registers its own check where it is set up.
"""

from collections.abc import Callable

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from .extensions import db, limiter, talisman

bp = Blueprint("health", __name__)

Check = Callable[[], bool]  # True when the dependency answers; raising counts as not answering


def add_readiness_check(app: Flask, name: str, check: Check) -> None:
    app.extensions.setdefault("readiness_checks", {})[name] = check


def _database_answers() -> bool:
    db.session.execute(text("SELECT 1"))
    return True


def _rate_limit_storage_answers() -> bool:
    return limiter.storage.check()


def readiness() -> dict[str, bool]:
    """Each registered check by name: whether it answered."""
    results = {}
    for name, check in current_app.extensions.get("readiness_checks", {}).items():
        try:
            results[name] = bool(check())
        except Exception as error:  # whatever a dependency raises, the answer is "not ready"
            current_app.logger.warning("Readiness check %r failed: %s", name, error)
            results[name] = False
    return results


def _probe_answer(status: int, body: dict):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


# Plain HTTP is answered, not redirected to HTTPS: a probe asking gunicorn directly would take the redirect
# for a success.
@bp.get("/healthz")
@talisman(force_https=False)
def healthz():
    return _probe_answer(200, {"status": "ok"})


@bp.get("/readyz")
@talisman(force_https=False)
def readyz():
    results = readiness()
    ready = all(results.values())
    return _probe_answer(200 if ready else 503, {
        "status": "ok" if ready else "unavailable",
        "checks": {name: "ok" if answered else "failed" for name, answered in results.items()},
    })


def init_health(app: Flask) -> None:
    add_readiness_check(app, "database", _database_answers)
    if not app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        # A shared storage (Redis): while it is down limits still hold, but only per process (see README).
        add_readiness_check(app, "rate_limit_storage", _rate_limit_storage_answers)
    app.register_blueprint(bp)
