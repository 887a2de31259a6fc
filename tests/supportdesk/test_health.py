"""/healthz: the probe load balancers and monitors call."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.signing import SignedPackage

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

    assert set(staff.get("/healthz").json()) == {"status", "database", "queue", "cache", "storage", "workers"}


def test_an_unset_token_opens_nothing(settings, db):
    settings.HEALTHZ_TOKEN = ""

    assert Client(HTTP_X_HEALTH_TOKEN="").get("/healthz").json() == {"status": "ok"}


def test_healthz_is_200_with_database_and_queue_status(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    # No qcluster runs in tests: the worker heartbeat is missing, so the site is up but degraded.
    assert body["status"] == "degraded"
    assert body["workers"] == {"ok": False, "clusters": 0, "workers": 0, "oldest_job_seconds": None}
    assert body["cache"] == {"ok": True, "backend": "LocMemCache"}
    assert body["storage"] == {"ok": True, "backend": "FileSystemStorage"}
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


def test_a_failing_broker_degrades_the_site_but_keeps_it_in_rotation(client):
    with mock.patch("django_q.brokers.orm.ORM.ping", side_effect=ConnectionError("broker down")):
        response = client.get("/healthz")
        anonymous = Client().get("/healthz")

    assert response.status_code == anonymous.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["queue"] == {"ok": False, "broker": "ORM", "error": "ConnectionError"}
    assert anonymous.json() == {"status": "ok"}


def test_a_broker_answering_not_ready_degrades_the_site(client):
    with mock.patch("django_q.brokers.orm.ORM.ping", return_value=False):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["queue"]["ok"] is False


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_a_running_cluster_makes_the_deep_check_ok(client):
    stat = mock.Mock(workers=[101, 102])
    with mock.patch("supportdesk.health.Stat.get_all", return_value=[stat]):
        body = client.get("/healthz").json()

    assert body["status"] == "ok"
    assert body["workers"] == {"ok": True, "clusters": 1, "workers": 2, "oldest_job_seconds": None}


def test_the_oldest_queued_job_is_aged(client, settings):

    broker = get_broker()
    broker.enqueue(SignedPackage.dumps({"id": "a", "started": timezone.now() - timedelta(seconds=90)}))
    broker.enqueue(SignedPackage.dumps({"id": "b", "started": timezone.now()}))

    body = client.get("/healthz").json()

    assert 90 <= body["workers"]["oldest_job_seconds"] < 120
    assert body["queue"]["queued"] == 2


def test_a_failing_cache_or_storage_degrades_but_keeps_serving(client):
    with (
        mock.patch("django.core.cache.backends.locmem.LocMemCache.set", side_effect=ConnectionError("redis down")),
        mock.patch("supportdesk.health.Stat.get_all", return_value=[mock.Mock(workers=[1])]),
    ):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["cache"] == {"ok": False, "error": "ConnectionError"}


def test_anonymous_callers_never_see_degraded(settings, db):
    assert Client().get("/healthz").json() == {"status": "ok"}
