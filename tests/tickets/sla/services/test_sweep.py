"""The minute sweep: warnings and breaches recorded once, notices, escalation, concurrency."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django_q.models import Schedule

from tests import factories
from tickets import services
from tickets.models import (
    BusinessCalendar,
    Channel,
    ClockState,
    EventKind,
    Priority,
    SLAClock,
    SLAPolicy,
    Status,
    Team,
    Ticket,
    TicketEvent,
    Tier,
)
from tickets.sla import tasks
from tickets.sla.services.sweep import sla_sweep


def new_ticket(customer, **kwargs):
    defaults = {"subject": "Where is my refund", "body": "Hello", "channel": Channel.EMAIL}
    return services.ticket_create(customer=customer, **(defaults | kwargs))


@pytest.fixture
def assigned_ticket(clock, customer, agent, supervisor, team):
    team.supervisor = supervisor
    team.save(update_fields=["supervisor"])
    ticket = new_ticket(customer, team=team)
    return services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)


def sla_events(ticket, kind):
    return list(ticket.events.filter(kind=kind).values_list("before", "after"))


def test_the_sweep_schedule_exists_once(db):
    schedule = Schedule.objects.get(name="SLA sweep")

    assert (schedule.func, schedule.schedule_type, schedule.minutes) == ("tickets.sla.tasks.sla_sweep", "I", 1)


def test_it_marks_warnings_then_breaches_once_each(clock, assigned_ticket):
    ticket = assigned_ticket
    clock.set(ticket.first_response_warn_at)

    first = sla_sweep()
    again = sla_sweep()

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.WARNING
    assert first.warned[SLAClock.FIRST_RESPONSE] == [ticket.pk]
    assert again.summary() == {"breached": 0, "warned": 0}
    assert sla_events(ticket, EventKind.SLA_WARNING) == [(SLAClock.FIRST_RESPONSE, ClockState.WARNING)]

    clock.set(ticket.first_response_due)
    assert sla_sweep().summary() == {"breached": 0, "warned": 0}  # at the due instant the clock is still met
    clock.advance(seconds=1)
    sla_sweep()
    sla_sweep()

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.BREACHED
    assert ticket.resolution_state == ClockState.ON_TRACK
    assert sla_events(ticket, EventKind.SLA_BREACH) == [(SLAClock.FIRST_RESPONSE, ClockState.BREACHED)]


def test_a_clock_that_crossed_both_thresholds_is_reported_as_breached_only(clock, assigned_ticket):
    clock.set(assigned_ticket.first_response_due + timedelta(minutes=5))

    result = sla_sweep()

    assert result.breached[SLAClock.FIRST_RESPONSE] == [assigned_ticket.pk]
    assert result.warned[SLAClock.FIRST_RESPONSE] == []


def test_paused_and_fulfilled_clocks_never_breach(clock, assigned_ticket, agent, customer):
    pending = new_ticket(customer)
    services.ticket_change_status(ticket=pending, status=Status.PENDING_CUSTOMER, actor=factories.administrator())
    services.ticket_reply(ticket=assigned_ticket, body="Answer", actor=agent)
    clock.advance(days=30)

    result = sla_sweep()

    assert result.breached[SLAClock.FIRST_RESPONSE] == []
    assert sorted(result.breached[SLAClock.RESOLUTION]) == [assigned_ticket.pk]


def test_it_works_in_batches(clock, customer):
    tickets = [new_ticket(customer) for _ in range(7)]
    clock.advance(days=3)

    result = sla_sweep(batch_size=3)

    assert sorted(result.breached[SLAClock.FIRST_RESPONSE]) == sorted(t.pk for t in tickets)
    assert TicketEvent.objects.filter(kind=EventKind.SLA_BREACH, before=SLAClock.FIRST_RESPONSE).count() == 7


def test_breaches_are_mailed_to_the_assignee_and_the_team_supervisor(
    clock, assigned_ticket, mailoutbox, django_capture_on_commit_callbacks
):
    clock.set(assigned_ticket.first_response_due + timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()

    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == ["agent@example.com", "supervisor@example.com"]
    assert all("First response breached: 1 tickets" in mail.subject for mail in mailoutbox)
    assert assigned_ticket.reference in mailoutbox[0].body


def test_a_breach_escalates_when_the_policy_says_so(clock, customer, team, django_capture_on_commit_callbacks):
    security = factories.TeamFactory(name="Security desk", tier=Tier.L3)
    ticket = new_ticket(customer, team=team, priority=Priority.URGENT)
    assert ticket.sla_policy.escalate_to_tier == Tier.L3
    clock.set(ticket.first_response_due + timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()

    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team) == (Tier.L3, security)
    assert ticket.events.get(kind=EventKind.TIER).note == "SLA breached"


def test_the_dashboard_notice_lists_the_agents_breaching_tickets(clock, assigned_ticket, agent, client):
    clock.set(assigned_ticket.first_response_due + timedelta(seconds=1))
    sla_sweep()
    client.force_login(agent)

    response = client.get("/admin/")

    assert [t.pk for t in response.context["sla_alerts"]] == [assigned_ticket.pk]
    assert "SLA alerts" in response.content.decode()


def test_the_task_runs_the_sweep(clock, assigned_ticket):
    clock.set(assigned_ticket.first_response_due + timedelta(seconds=1))

    assert tasks.sla_sweep() == {"breached": 1, "warned": 0}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises writers")
def test_two_sweeps_at_once_record_each_breach_once(clock):
    # A transactional test may run after other transactional tests flushed the seeded policies:
    # it brings its own, first in line, so the tickets certainly run a first-response clock.
    calendar = BusinessCalendar.objects.create(name="Concurrency 24/7", time_zone="UTC", is_24_7=True)
    SLAPolicy.objects.create(
        name="Concurrency email", position=0, match_channel=Channel.EMAIL, calendar=calendar, first_response_minutes=60
    )
    Team.objects.create(name="Concurrency")
    customer = factories.CustomerFactory()
    tickets = [new_ticket(customer) for _ in range(60)]
    clock.advance(days=3)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(sla_sweep(batch_size=7))
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    swept = sorted(pk for result in results for pk in result.breached[SLAClock.FIRST_RESPONSE])
    assert swept == sorted(t.pk for t in tickets)
    assert TicketEvent.objects.filter(kind=EventKind.SLA_BREACH, before=SLAClock.FIRST_RESPONSE).count() == 60
    assert not Ticket.objects.filter(first_response_state=ClockState.ON_TRACK).exists()
