import pytest

from tickets import services
from tickets.followups import services as followups
from tickets.models import Status


@pytest.fixture(autouse=True)
def _site(settings):
    settings.PORTAL_REOPEN_WINDOW_DAYS = 7


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweep with its on-commit deliveries (django-q2 is synchronous in tests)."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return followups.follow_up_sweep(**kwargs)

    return run


@pytest.fixture
def waiting(clock, ticket, agent, django_capture_on_commit_callbacks):
    """Alice's ticket, which the agent just put to pending customer with a question."""
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(
            ticket=ticket, body="Which wallet version?", actor=agent, new_status=Status.PENDING_CUSTOMER
        )
    ticket.refresh_from_db()
    return ticket
