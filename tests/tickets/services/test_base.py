"""State changes lock the ticket row: concurrent writers on one ticket take turns.

Each test holds the row lock in one thread (a service call inside an open
transaction), starts a competing service call in a second thread, waits until
PostgreSQL reports that second session as waiting for a lock, then commits the
first. The competitor must then see the committed state, not the stale one it
was handed. Real row locks need PostgreSQL: SQLite has no select_for_update
and serialises whole-database writes instead.
"""

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction

from tests import factories
from tickets import services
from tickets.models import AuthorKind, EventKind, Status, Ticket, TicketEvent, TicketMessage

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) need PostgreSQL; set DATABASE_URL=postgres://… to run",
    ),
    # Threads use their own connections, so the data must be committed; serialized_rollback restores
    # the migration-seeded role groups and categories that the flush after each test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_SECONDS = 10


class Worker(threading.Thread):
    """Runs `work` on its own database connection and keeps its result or exception."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work = work
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = self.work()
        except Exception as error:  # noqa: BLE001 - handed back to the test thread to assert on
            self.error = error
        finally:
            connections.close_all()


def hold_lock_while(change, locked: threading.Event, release: threading.Event):
    """Run `change` in a transaction that stays open (row lock held) until `release` is set."""

    def work():
        with transaction.atomic():
            result = change()
            locked.set()
            assert release.wait(WAIT_SECONDS), "the test never released the lock"
        return result

    return work


def wait_until_a_session_waits_for_a_lock() -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the competing service call never waited for the row lock")


def race(first, second):
    """`first` commits while `second` waits for the row; return both workers once finished."""
    locked, release = threading.Event(), threading.Event()
    holder = Worker(hold_lock_while(first, locked, release))
    holder.start()
    assert locked.wait(WAIT_SECONDS)
    competitor = Worker(second)
    competitor.start()
    try:
        wait_until_a_session_waits_for_a_lock()
        assert competitor.is_alive(), "the competitor finished while the row was locked"
    finally:
        release.set()
        holder.join(WAIT_SECONDS)
        competitor.join(WAIT_SECONDS)
    assert holder.error is None
    return holder, competitor


@pytest.fixture
def shared_ticket(customer, team):
    return factories.ticket(customer=customer, team=team)


def test_two_agents_taking_the_same_ticket_at_once_leave_it_with_the_first(shared_ticket, agent, teammate):
    # Both callers hold the same stale copy: unassigned.
    stale = Ticket.objects.get(pk=shared_ticket.pk)

    _holder, competitor = race(
        lambda: services.ticket_assign(ticket=stale, assignee=agent, actor=agent),
        lambda: services.ticket_assign(ticket=stale, assignee=teammate, actor=teammate),
    )

    assert isinstance(competitor.error, PermissionDenied)
    assert Ticket.objects.get(pk=shared_ticket.pk).assignee == agent
    assert list(
        TicketEvent.objects.filter(ticket=shared_ticket, kind=EventKind.ASSIGNMENT).values_list("after", flat=True)
    ) == ["agent"]


def test_a_customer_reply_waiting_on_a_closing_agent_is_refused(shared_ticket, agent, customer):
    stale = Ticket.objects.get(pk=shared_ticket.pk)

    _holder, competitor = race(
        lambda: services.ticket_change_status(ticket=stale, status=Status.CLOSED, actor=agent),
        lambda: services.ticket_customer_reply(ticket=stale, body="One more thing", via="portal", user=customer.user),
    )

    assert isinstance(competitor.error, ValidationError)
    assert factories.error_codes(competitor.error) == {services.ERROR_TICKET_CLOSED}
    assert Ticket.objects.get(pk=shared_ticket.pk).status == Status.CLOSED
    assert not TicketMessage.objects.filter(ticket=shared_ticket, body="One more thing").exists()


def test_a_status_change_waiting_on_another_is_checked_against_the_committed_status(shared_ticket, agent, teammate):
    stale = Ticket.objects.get(pk=shared_ticket.pk)

    _holder, competitor = race(
        lambda: services.ticket_change_status(ticket=stale, status=Status.SOLVED, actor=agent),
        # Allowed from New (the stale copy), not from Solved (what is committed by then).
        lambda: services.ticket_change_status(ticket=stale, status=Status.PENDING_CUSTOMER, actor=teammate),
    )

    assert factories.error_codes(competitor.error) == {services.ERROR_INVALID_TRANSITION}
    assert Ticket.objects.get(pk=shared_ticket.pk).status == Status.SOLVED
    statuses = TicketEvent.objects.filter(ticket=shared_ticket, kind=EventKind.STATUS).values_list("before", "after")
    assert list(statuses) == [(Status.NEW, Status.SOLVED)]


def test_two_agents_replying_at_once_both_succeed_and_only_the_first_reply_is_the_first_response(
    shared_ticket, agent, teammate
):
    stale = Ticket.objects.get(pk=shared_ticket.pk)

    holder, competitor = race(
        lambda: services.ticket_reply(ticket=stale, body="First", actor=agent),
        lambda: services.ticket_reply(ticket=stale, body="Second", actor=teammate),
    )

    assert competitor.error is None
    ticket = Ticket.objects.get(pk=shared_ticket.pk)
    assert ticket.first_response_at == holder.result.created_at
    assert ticket.status == Status.OPEN
    assert list(ticket.messages.filter(author_kind=AuthorKind.AGENT).values_list("body", flat=True)) == [
        "First",
        "Second",
    ]
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS).count() == 1
