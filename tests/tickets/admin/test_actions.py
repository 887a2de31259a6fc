"""Bulk actions of the ticket changelist: a service per selected ticket, one message per refusal."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests import factories
from tests.tickets.admin.test_tickets import shown_messages
from tickets import services
from tickets.models import EventKind, Priority, Status, Ticket, TicketEvent, Tier

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tickets_ticket_changelist")


@pytest.fixture
def queue(customer, team):
    return [factories.ticket(customer=customer, team=team, subject=f"Request {n}") for n in range(3)]


def run_action(client, action: str, tickets, **form):
    data = {"action": action, ACTION_CHECKBOX_NAME: [t.pk for t in tickets], **form}
    return client.post(CHANGELIST, data, follow=True)


def test_assign_to_me_assigns_every_selected_ticket(agent_client, agent, queue):
    response = run_action(agent_client, "assign_to_me", queue)

    assert "3 tickets assigned to you." in shown_messages(response)
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {agent.pk}
    assert TicketEvent.objects.filter(kind=EventKind.ASSIGNMENT, actor=agent).count() == 3


def test_assign_to_me_reports_tickets_held_by_a_colleague(agent_client, agent, teammate, queue):
    services.ticket_assign(ticket=queue[0], assignee=teammate, actor=teammate)

    response = run_action(agent_client, "assign_to_me", queue)

    messages = shown_messages(response)
    assert "2 tickets assigned to you." in messages
    assert any(m.startswith(f"{queue[0].reference}: ") for m in messages)
    assert Ticket.objects.get(pk=queue[0].pk).assignee == teammate


def test_assign_to_shows_an_intermediate_page_then_assigns(agent_client, teammate, queue):
    page = run_action(agent_client, "assign_to", queue)

    assert page.status_code == 200
    assert page.templates[0].name == "admin/sd_action_form.html"
    assert all(t.reference in page.content.decode() for t in queue)

    done = run_action(agent_client, "assign_to", queue, apply="Apply", assignee=teammate.pk)

    assert "3 tickets assigned." in shown_messages(done)
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {teammate.pk}


def test_assign_to_an_agent_of_another_team_reports_each_ticket(agent_client, other_agent, queue):
    response = run_action(agent_client, "assign_to", queue, apply="Apply", assignee=other_agent.pk)

    messages = shown_messages(response)
    assert len(messages) == 3
    assert all("is not a member of the team" in m for m in messages)
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {None}


def test_change_status_applies_allowed_moves_and_reports_disallowed_ones(agent_client, agent, queue):
    services.ticket_change_status(ticket=queue[0], status=Status.CLOSED, actor=agent)

    page = run_action(agent_client, "change_status", queue)
    assert page.status_code == 200
    response = run_action(agent_client, "change_status", queue, apply="Apply", status=Status.OPEN)

    messages = shown_messages(response)
    assert "2 tickets changed status." in messages
    assert f"{queue[0].reference}: A ticket cannot go from Closed to Open." in messages
    assert dict(Ticket.objects.values_list("pk", "status")) == {
        queue[0].pk: Status.CLOSED,
        queue[1].pk: Status.OPEN,
        queue[2].pk: Status.OPEN,
    }
    assert not TicketEvent.objects.filter(ticket=queue[0], after=Status.OPEN).exists()


def test_change_priority_through_the_intermediate_page(agent_client, queue):
    response = run_action(agent_client, "change_priority", queue[:2], apply="Apply", priority=Priority.HIGH)

    assert "2 tickets changed priority." in shown_messages(response)
    assert list(Ticket.objects.filter(priority=Priority.HIGH).order_by("pk")) == queue[:2]


def test_change_tier_needs_a_reason_and_keeps_it(agent_client, queue):
    without_reason = run_action(agent_client, "change_tier", queue, apply="Apply", tier=Tier.L3)
    assert without_reason.status_code == 200
    assert "reason" in without_reason.context["form"].errors
    assert not Ticket.objects.filter(tier=Tier.L3).exists()

    response = run_action(agent_client, "change_tier", queue, apply="Apply", tier=Tier.L3, reason="seed phrase leak")

    assert "3 tickets changed tier." in shown_messages(response)
    assert set(TicketEvent.objects.filter(kind=EventKind.TIER).values_list("note", flat=True)) == {"seed phrase leak"}


def test_merge_folds_the_selected_tickets_into_the_chosen_one(agent_client, queue):
    target = queue[1]
    page = run_action(agent_client, "merge_tickets", queue)
    assert page.status_code == 200

    response = run_action(agent_client, "merge_tickets", queue, apply="Apply", target=target.pk)

    assert f"2 tickets merged into {target.reference}." in shown_messages(response)
    assert target.messages.count() == 3
    for source in (queue[0], queue[2]):
        source.refresh_from_db()
        assert (source.status, source.merged_into_id) == (Status.CLOSED, target.pk)


def test_merge_reports_tickets_of_another_customer(agent_client, queue, other_customer, team):
    foreign = factories.ticket(customer=other_customer, team=team)

    response = run_action(agent_client, "merge_tickets", [queue[0], foreign], apply="Apply", target=queue[0].pk)

    assert shown_messages(response) == [f"{foreign.reference}: Only tickets of the same customer can be merged."]
    assert Ticket.objects.get(pk=foreign.pk).merged_into is None


def test_merge_needs_at_least_two_tickets(agent_client, queue):
    response = run_action(agent_client, "merge_tickets", queue[:1])

    assert shown_messages(response) == ["Select at least two tickets to merge."]


def test_a_manager_gets_no_bulk_actions(client, manager, other_ticket):
    client.force_login(manager)

    response = client.post(CHANGELIST, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: [other_ticket.pk]})

    assert response.status_code == 200
    assert response.context["action_form"] is None
    assert Ticket.objects.get(pk=other_ticket.pk).assignee is None
