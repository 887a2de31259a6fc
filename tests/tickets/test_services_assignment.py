"""tickets.services: assignment, team moves, classification (priority, category, tier, tags)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tickets import services
from tickets.models import AgentProfile, EventKind, Priority, Tag, Ticket, TicketEvent, Tier

pytestmark = pytest.mark.django_db


def changes(ticket, kind):
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind=kind).order_by("id").values_list("actor", "before", "after")
    )


# ticket_assign -------------------------------------------------------------


def test_an_agent_takes_an_unassigned_ticket_of_their_team(ticket, agent):
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    assert Ticket.objects.get(pk=ticket.pk).assignee == agent
    assert changes(ticket, EventKind.ASSIGNMENT) == [(agent.pk, "", "agent")]
    assert AgentProfile.objects.get(user=agent).last_assigned_at is not None


def test_an_agent_hands_their_ticket_to_a_teammate_and_the_reason_is_kept(ticket, agent, teammate):
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    services.ticket_assign(ticket=ticket, assignee=teammate, actor=agent, reason="night shift")

    assert Ticket.objects.get(pk=ticket.pk).assignee == teammate
    assert changes(ticket, EventKind.ASSIGNMENT)[-1] == (agent.pk, "agent", "teammate")
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNMENT).last().note == "night shift"


def test_an_agent_unassigns_their_own_ticket(ticket, agent):
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    services.ticket_assign(ticket=ticket, assignee=None, actor=agent)

    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert changes(ticket, EventKind.ASSIGNMENT)[-1] == (agent.pk, "agent", "")


def test_assigning_the_current_assignee_again_records_nothing(ticket, agent):
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    assert len(changes(ticket, EventKind.ASSIGNMENT)) == 1


def test_an_agent_outside_the_tickets_team_cannot_be_assigned(ticket, agent, other_agent):
    with pytest.raises(ValidationError) as caught:
        services.ticket_assign(ticket=ticket, assignee=other_agent, actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_ASSIGNEE_NOT_IN_TEAM}
    assert "assignee" in caught.value.message_dict
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert changes(ticket, EventKind.ASSIGNMENT) == []


@pytest.mark.parametrize("kind", ["customer", "staff_without_profile", "inactive_agent"])
def test_only_active_agents_can_be_assigned(ticket, agent, customer, manager, team, kind):
    if kind == "customer":
        assignee = customer.user
    elif kind == "staff_without_profile":
        assignee = manager
    else:
        assignee = factories.agent(teams=[team], username="gone", is_active=False)

    with pytest.raises(ValidationError) as caught:
        services.ticket_assign(ticket=ticket, assignee=assignee, actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_ASSIGNEE_NOT_AGENT}
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert changes(ticket, EventKind.ASSIGNMENT) == []


def test_an_agent_cannot_take_a_ticket_held_by_another_agent(ticket, agent, teammate):
    services.ticket_assign(ticket=ticket, assignee=teammate, actor=teammate)

    with pytest.raises(PermissionDenied):
        services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    assert Ticket.objects.get(pk=ticket.pk).assignee == teammate
    assert len(changes(ticket, EventKind.ASSIGNMENT)) == 1


def test_a_supervisor_may_reassign_a_ticket_held_by_another_agent(ticket, supervisor, agent, teammate):
    services.ticket_assign(ticket=ticket, assignee=teammate, actor=teammate)

    services.ticket_assign(ticket=ticket, assignee=agent, actor=supervisor, reason="balance the load")

    assert Ticket.objects.get(pk=ticket.pk).assignee == agent
    assert changes(ticket, EventKind.ASSIGNMENT)[-1] == (supervisor.pk, "teammate", "agent")


def test_even_a_supervisor_cannot_assign_outside_the_team(ticket, supervisor, other_agent):
    with pytest.raises(ValidationError) as caught:
        services.ticket_assign(ticket=ticket, assignee=other_agent, actor=supervisor)

    assert factories.error_codes(caught.value) == {services.ERROR_ASSIGNEE_NOT_IN_TEAM}


def test_an_agent_cannot_assign_a_ticket_of_another_team(other_ticket, agent):
    with pytest.raises(PermissionDenied):
        services.ticket_assign(ticket=other_ticket, assignee=agent, actor=agent)

    assert Ticket.objects.get(pk=other_ticket.pk).assignee is None


def test_a_ticket_without_a_team_can_go_to_any_agent(customer, supervisor, other_agent):
    ticket = factories.ticket(customer=customer)

    services.ticket_assign(ticket=ticket, assignee=other_agent, actor=supervisor)

    assert Ticket.objects.get(pk=ticket.pk).assignee == other_agent


def test_an_agent_can_reply_on_a_ticket_assigned_to_them_outside_their_teams(customer, supervisor, other_agent):
    ticket = factories.ticket(customer=customer)
    services.ticket_assign(ticket=ticket, assignee=other_agent, actor=supervisor)

    services.ticket_reply(ticket=ticket, body="On it.", actor=other_agent)

    assert ticket.messages.count() == 2


# ticket_change_team --------------------------------------------------------


def test_moving_a_ticket_to_another_team_unassigns_a_non_member(ticket, supervisor, agent, other_team):
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    services.ticket_change_team(ticket=ticket, team=other_team, actor=supervisor)

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.team, stored.assignee) == (other_team, None)
    assert changes(ticket, EventKind.TEAM) == [(supervisor.pk, "L1 General", "Security")]
    unassigned = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNMENT).last()
    assert (unassigned.actor, unassigned.before, unassigned.after, unassigned.note) == (
        supervisor,
        "agent",
        "",
        "not in the new team",
    )


def test_moving_a_ticket_keeps_an_assignee_who_is_in_both_teams(ticket, supervisor, team, other_team):
    both = factories.agent(teams=[team, other_team], username="both")
    services.ticket_assign(ticket=ticket, assignee=both, actor=supervisor)

    services.ticket_change_team(ticket=ticket, team=other_team, actor=supervisor)

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.team, stored.assignee) == (other_team, both)
    assert len(changes(ticket, EventKind.ASSIGNMENT)) == 1


def test_moving_a_ticket_to_its_own_team_records_nothing(ticket, agent, team):
    services.ticket_change_team(ticket=ticket, team=team, actor=agent)

    assert changes(ticket, EventKind.TEAM) == []


# Priority, category, tier, tags --------------------------------------------


def test_changing_the_priority_is_recorded_with_before_and_after(ticket, agent):
    services.ticket_change_priority(ticket=ticket, priority=Priority.URGENT, actor=agent)

    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.URGENT
    assert changes(ticket, EventKind.PRIORITY) == [(agent.pk, Priority.NORMAL, Priority.URGENT)]


def test_an_unknown_priority_is_refused_and_changes_nothing(ticket, agent):
    with pytest.raises(ValidationError) as caught:
        services.ticket_change_priority(ticket=ticket, priority="extreme", actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_INVALID_CHOICE}
    assert Ticket.objects.get(pk=ticket.pk).priority == Priority.NORMAL
    assert changes(ticket, EventKind.PRIORITY) == []


def test_changing_the_category_is_recorded_by_name(ticket, agent):
    fees = factories.CategoryFactory(name="Fees")

    services.ticket_change_category(ticket=ticket, category=fees, actor=agent)
    services.ticket_change_category(ticket=ticket, category=None, actor=agent)

    assert Ticket.objects.get(pk=ticket.pk).category is None
    assert changes(ticket, EventKind.CATEGORY) == [(agent.pk, "", "Fees"), (agent.pk, "Fees", "")]


def test_escalating_the_tier_keeps_the_reason_on_the_timeline(ticket, agent):
    services.ticket_change_tier(ticket=ticket, tier=Tier.L3, actor=agent, reason="possible account takeover")

    assert Ticket.objects.get(pk=ticket.pk).tier == Tier.L3
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.TIER)
    assert (event.before, event.after, event.note) == (Tier.L1, Tier.L3, "possible account takeover")


def test_an_unknown_tier_is_refused(ticket, agent):
    with pytest.raises(ValidationError) as caught:
        services.ticket_change_tier(ticket=ticket, tier="l9", actor=agent, reason="?")

    assert factories.error_codes(caught.value) == {services.ERROR_INVALID_CHOICE}
    assert Ticket.objects.get(pk=ticket.pk).tier == Tier.L1


def test_setting_tags_records_the_sorted_before_and_after(ticket, agent):
    phishing, tron, vip = (Tag.objects.create(name=name) for name in ("phishing", "tron", "vip"))

    services.ticket_set_tags(ticket=ticket, tags=[tron, phishing], actor=agent)
    services.ticket_set_tags(ticket=ticket, tags=[vip, tron], actor=agent)
    services.ticket_set_tags(ticket=ticket, tags=[tron, vip], actor=agent)

    assert sorted(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True)) == ["tron", "vip"]
    assert changes(ticket, EventKind.TAGS) == [
        (agent.pk, "", "phishing, tron"),
        (agent.pk, "phishing, tron", "tron, vip"),
    ]


def test_an_agent_cannot_classify_a_ticket_of_another_team(other_ticket, agent):
    with pytest.raises(PermissionDenied):
        services.ticket_change_priority(ticket=other_ticket, priority=Priority.LOW, actor=agent)
    with pytest.raises(PermissionDenied):
        services.ticket_change_tier(ticket=other_ticket, tier=Tier.L2, actor=agent)
    with pytest.raises(PermissionDenied):
        services.ticket_set_tags(ticket=other_ticket, tags=[], actor=agent)

    assert TicketEvent.objects.filter(ticket=other_ticket).count() == 1
