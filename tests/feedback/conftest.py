import pytest

from tickets import services as ticket_services
from tickets.models import Channel


@pytest.fixture
def handled_ticket(customer, agent, team):
    """A ticket of `customer` in `team`, assigned to `agent`, answered once, not yet solved."""
    ticket = ticket_services.ticket_create(
        customer=customer, subject="Stuck transfer", body="Help", channel=Channel.EMAIL, actor=customer.user, team=team
    )
    ticket = ticket_services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    ticket_services.ticket_reply(ticket=ticket, body="We are on it.", actor=agent)
    return ticket


@pytest.fixture
def solve(django_capture_on_commit_callbacks, agent):
    """Solve a ticket the way an agent does, running the after-commit work (signal, email task)."""

    def solve_ticket(ticket, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            return ticket_services.ticket_change_status(ticket=ticket, status="solved", actor=actor or agent)

    return solve_ticket
