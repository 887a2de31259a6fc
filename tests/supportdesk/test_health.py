"""/healthz: the probe load balancers and monitors call."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db

HEALTH_TOKEN = "monitor-3f9a1c"


@pytest.fixture
def client(client, settings):
    """A monitor with the health token: sees the details."""
    settings.HEALTHZ_TOKEN = HEALTH_TOKEN
    client.defaults["HTTP_X_HEALTH_TOKEN"] = HEALTH_TOKEN
    return client


def test_anonymous_callers_get_the_status_only(settings, db):
    settings.HEALTHZ_TOKEN = HEALTH_TOKEN
    anonymous = Client().get("/healthz")
    wrong_token = Client(HTTP_X_HEALTH_TOKEN="guess").get("/healthz")

    assert anonymous.json() == {"status": "ok"}
    assert wrong_token.json() == {"status": "ok"}


def test_staff_see_the_details_without_a_token(agent):
    staff = Client()
    staff.force_login(agent)

    assert set(staff.get("/healthz").json()) == {"status", "database", "queue"}


def test_an_unset_token_opens_nothing(settings, db):
    settings.HEALTHZ_TOKEN = ""

    assert Client(HTTP_X_HEALTH_TOKEN="").get("/healthz").json() == {"status": "ok"}


def test_healthz_is_200_with_database_and_queue_status(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": body["database"]["vendor"]}
    assert body["database"]["vendor"] in ("sqlite", "postgresql")
    assert body["queue"]["ok"] is True
    assert body["queue"]["broker"] == "ORM"
    assert body["queue"]["queued"] == 0


def test_healthz_is_503_when_the_database_does_not_answer(client):
    with mock.patch("supportdesk.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is False
    assert body["database"]["error"] == "OperationalError"
    assert body["queue"] == {"ok": False, "error": "database unavailable"}


def test_healthz_is_503_when_the_broker_ping_fails(client):
    with mock.patch("django_q.brokers.orm.ORM.ping", side_effect=ConnectionError("broker down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["queue"] == {"ok": False, "broker": "ORM", "error": "ConnectionError"}


def test_healthz_is_503_when_the_broker_answers_not_ready(client):
    with mock.patch("django_q.brokers.orm.ORM.ping", return_value=False):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["queue"]["ok"] is False


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
