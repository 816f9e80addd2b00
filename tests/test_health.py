"""/healthz and /readyz, as a load balancer, an orchestrator or a monitoring check asks them."""

import json

import pytest

from tests.conftest import make_test_app
from tests.live import requests_in_a_new_process


def test_healthz_answers_without_asking_anything_else(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_asks_the_database_and_not_a_limit_storage_kept_in_memory(app, client):
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def without_database(app, tmp_path):
    return make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'marketplace.db'}")


def test_readyz_is_503_naming_the_database_when_it_does_not_answer(without_database):
    client = without_database.test_client()

    ready = client.get("/readyz")

    assert ready.status_code == 503
    assert ready.json == {"status": "unavailable", "checks": {"database": "failed"}}
    assert client.get("/healthz").status_code == 200, "alive all the same: restarting would not bring it back"


def test_with_https_forced_the_probes_answer_plain_http_instead_of_redirecting(app):
    """A probe asking gunicorn directly over HTTP would take a redirect to HTTPS for a success."""
    answers, _log = requests_in_a_new_process(app, [{"path": "/readyz"}, {"path": "/healthz"},
                                                    {"path": "/account/login"}], FORCE_HTTPS=True)

    ready, alive, page = answers
    assert ready["status"] == 200 and json.loads(ready["body"])["status"] == "ok"
    assert alive["status"] == 200
    assert page["status"] in (301, 302) and page["headers"]["Location"].startswith("https://"), "pages still are"
