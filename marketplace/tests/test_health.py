import json
import os
import subprocess
import sys

import pytest
from django.conf import settings


def test_healthz_reports_database_and_eager_tasks_without_a_broker(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
def test_healthz_reports_the_real_broker_up(client, db, redis_broker):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_healthz_is_503_when_the_broker_is_down(client, db, broker_down):

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "down"}


def healthz_in_a_fresh_process(**env):
    """GET /healthz in a new Python process configured by `env`; (status, json)."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=settings.BASE_DIR,
    )
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    return int(status), json.loads(body)


def test_healthz_is_503_when_the_database_is_down():
    status, body = healthz_in_a_fresh_process(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/warung",  # nothing listens there
        REDIS_URL="",
    )

    assert status == 503
    assert body == {"status": "error", "database": "down", "broker": "eager"}
