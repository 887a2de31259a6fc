import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from rest_framework.test import APIClient

from supportdesk.api_auth import ClientRateThrottle
from supportdesk.services import app_key_create
from tests import factories
from tests.objectstore import (  # noqa: F401 - S3 fixtures
    encrypted_object_store,
    moto_s3_server,
    object_store,
    own_object_store,
)
from tickets import services
from tickets.models import Channel, Customer, Ticket, TicketEvent, TicketMessage


def pytest_configure(config):
    # WhiteNoise warns when collectstatic has not run; tests never serve static files.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(scope="session", autouse=True)
def _remove_uploaded_files():
    # The test settings store attachments in a fresh temporary directory per run.
    yield
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def team(db):
    return factories.TeamFactory(name="L1 General")


@pytest.fixture
def other_team(db):
    return factories.TeamFactory(name="Security")


@pytest.fixture
def agent(team):
    return factories.agent(teams=[team], username="agent")


@pytest.fixture
def other_agent(other_team):
    return factories.agent(teams=[other_team], username="other_agent")


@pytest.fixture
def supervisor(team):
    return factories.supervisor(teams=[team], username="supervisor")


@pytest.fixture
def manager(db):
    return factories.manager(username="manager")


@pytest.fixture
def administrator(db):
    return factories.administrator(username="administrator")


@pytest.fixture
def customer_user(db):
    return factories.UserFactory(username="alice@example.com", email="alice@example.com")


@pytest.fixture
def customer(customer_user):
    return factories.CustomerFactory(email="alice@example.com", name="Alice", user=customer_user)


@pytest.fixture
def other_customer(db):
    bob = factories.UserFactory(username="bob@example.com", email="bob@example.com")
    return factories.CustomerFactory(email="bob@example.com", name="Bob", user=bob)


@pytest.fixture
def teammate(team):
    """A second agent in `team`: a colleague, not a supervisor."""
    return factories.agent(teams=[team], username="teammate")


@pytest.fixture
def ticket(customer, team):
    """Alice's ticket in the agent's team, opened through the portal."""
    return factories.ticket(customer=customer, team=team, subject="USDT transfer stuck", body="Sent 250 USDT.")


@pytest.fixture
def other_ticket(other_customer, other_team):
    """Bob's ticket in another team: the agent of `team` must not see it."""
    return factories.ticket(customer=other_customer, team=other_team, subject="Phishing message", body="Is this you?")


MAIL_FIXTURES = Path(__file__).parent / "fixtures" / "mail"


@pytest.fixture
def mail_fixture():
    """Raw bytes of a mail in tests/fixtures/mail/ (optionally with byte replacements)."""

    def load(name: str, replacements: dict[str, str] | None = None) -> bytes:
        raw = (MAIL_FIXTURES / name).read_bytes()
        for old, new in (replacements or {}).items():
            raw = raw.replace(old.encode(), new.encode())
        return raw

    return load


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits (allauth, the contact form) live in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A test that renders in another language (a view activating zh-hans) must not leak it into the next."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def customer_ticket(customer, team):
    """A request Alice sent through the portal, in the queue of the `agent` fixture's team."""
    return services.ticket_create(
        customer=customer, subject="USDT stuck", body="Sent 10 USDT, still pending", channel=Channel.PORTAL,
        actor=customer.user, team=team,
    )  # fmt: skip


@pytest.fixture
def security_team(db):
    """The team flagged to receive exposed-secret tickets and impersonator reports."""
    return factories.TeamFactory(name="Security desk", handles_security=True, languages=["en", "zh-hans"])


@pytest.fixture
def editor(db):
    """Writes and publishes help-centre articles (a supervisor holds knowledge.*)."""
    return factories.supervisor(username="editor")


class FrozenClock:
    """A settable "now" for services, model defaults and auto_now fields."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """Freeze time at 2026-05-25 02:00 UTC (Monday 10:00 in Shanghai); tests move it with set/advance."""
    frozen = FrozenClock(datetime(2026, 5, 25, 2, 0, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", frozen)
    for model in (Ticket, TicketMessage, TicketEvent, Customer):
        # Fields cache their default callable (Field._get_default): patch that too.
        monkeypatch.setattr(model._meta.get_field("created_at"), "_get_default", frozen)
    return frozen


# The REST API (every app's) ----------------------------------------------------


@pytest.fixture(autouse=True)
def _no_api_throttling(monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "100000/min"})


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def app_credentials(db):
    app_key, plain, secret = app_key_create(name="Wallet app")
    return app_key, plain, secret
