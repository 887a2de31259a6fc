"""tickets.services.changes: the status machine, assignment, team moves, classification (priority,
category, tier, tags) and merging duplicates of one customer's request."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import factories
from tickets import services
from tickets.models import (
    STATUS_TRANSITIONS,
    AgentProfile,
    EventKind,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketEvent,
    TicketMessage,
    Tier,
)

pytestmark = pytest.mark.django_db


def events(ticket, kind=None):
    queryset = TicketEvent.objects.filter(ticket=ticket).order_by("id")
    return list(queryset.filter(kind=kind) if kind else queryset)


def changes(ticket, kind):
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind=kind).order_by("id").values_list("actor", "before", "after")
    )


# The status machine --------------------------------------------------------

ALL_MOVES = [(old, new) for old, new in itertools.permutations(Status.values, 2)]
ALLOWED_MOVES = [(old, new) for old, new in ALL_MOVES if new in STATUS_TRANSITIONS[old]]
DISALLOWED_MOVES = [(old, new) for old, new in ALL_MOVES if new not in STATUS_TRANSITIONS[old]]


def test_the_transition_table_has_the_documented_shape():
    assert STATUS_TRANSITIONS[Status.CLOSED] == frozenset()
    assert STATUS_TRANSITIONS[Status.SOLVED] == {Status.OPEN, Status.CLOSED}
    assert Status.NEW not in set().union(*STATUS_TRANSITIONS.values())
    assert len(ALLOWED_MOVES) == 19
    assert len(DISALLOWED_MOVES) == 11


@pytest.mark.parametrize(("old", "new"), ALLOWED_MOVES)
def test_every_allowed_status_move_works_and_is_recorded(team, agent, old, new):
    ticket = factories.TicketFactory(team=team, status=old)

    returned = services.ticket_change_status(ticket=ticket, status=new, actor=agent, note="checked")

    ticket.refresh_from_db()
    assert ticket.status == returned.status == new
    [event] = events(ticket)
    assert (event.kind, event.actor, event.before, event.after, event.note) == (
        EventKind.STATUS,
        agent,
        old,
        new,
        "checked",
    )


@pytest.mark.parametrize(("old", "new"), DISALLOWED_MOVES)
def test_every_disallowed_status_move_is_refused_and_changes_nothing(team, agent, old, new):
    ticket = factories.TicketFactory(team=team, status=old)
    updated_at = Ticket.objects.get(pk=ticket.pk).updated_at

    with pytest.raises(ValidationError) as caught:
        services.ticket_change_status(ticket=ticket, status=new, actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_INVALID_TRANSITION}
    assert "status" in caught.value.message_dict
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.updated_at, stored.resolved_at, stored.closed_at) == (old, updated_at, None, None)
    assert not events(ticket)
    assert not ticket.messages.exists()


def test_a_reply_with_a_disallowed_status_move_stores_neither_the_reply_nor_an_event(team, agent):
    ticket = factories.TicketFactory(team=team, status=Status.SOLVED)

    with pytest.raises(ValidationError) as caught:
        services.ticket_reply(ticket=ticket, body="Any news?", actor=agent, new_status=Status.ON_HOLD)

    assert factories.error_codes(caught.value) == {services.ERROR_INVALID_TRANSITION}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == (Status.SOLVED, None)
    assert not ticket.messages.exists()
    assert not events(ticket)


def test_an_unknown_status_is_refused_as_an_invalid_choice(team, agent):
    ticket = factories.TicketFactory(team=team)

    with pytest.raises(ValidationError) as caught:
        services.ticket_change_status(ticket=ticket, status="archived", actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_INVALID_CHOICE}
    assert not events(ticket)


def test_setting_the_current_status_again_records_nothing(team, agent):
    ticket = factories.TicketFactory(team=team, status=Status.OPEN)

    services.ticket_change_status(ticket=ticket, status=Status.OPEN, actor=agent)

    assert not events(ticket)


def test_solving_stamps_resolved_and_reopening_clears_it(team, agent):
    ticket = factories.TicketFactory(team=team, status=Status.OPEN)
    before = timezone.now()

    services.ticket_change_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    ticket.refresh_from_db()
    assert before <= ticket.resolved_at <= timezone.now()
    assert ticket.closed_at is None

    services.ticket_change_status(ticket=ticket, status=Status.OPEN, actor=agent)
    ticket.refresh_from_db()
    assert ticket.resolved_at is None


def test_closing_stamps_closed_and_keeps_an_earlier_resolution_time(team, agent):
    ticket = factories.TicketFactory(team=team, status=Status.OPEN)
    services.ticket_change_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    resolved_at = Ticket.objects.get(pk=ticket.pk).resolved_at

    services.ticket_change_status(ticket=ticket, status=Status.CLOSED, actor=agent)

    ticket.refresh_from_db()
    assert ticket.resolved_at == resolved_at
    assert ticket.closed_at >= resolved_at


def test_closing_an_unsolved_ticket_stamps_both_resolved_and_closed(team, agent):
    ticket = factories.TicketFactory(team=team, status=Status.OPEN)

    services.ticket_change_status(ticket=ticket, status=Status.CLOSED, actor=agent)

    ticket.refresh_from_db()
    assert ticket.closed_at is not None
    assert ticket.resolved_at == ticket.closed_at


def test_an_agent_cannot_change_the_status_of_another_teams_ticket(other_ticket, agent):
    with pytest.raises(PermissionDenied):
        services.ticket_change_status(ticket=other_ticket, status=Status.OPEN, actor=agent)

    assert Ticket.objects.get(pk=other_ticket.pk).status == Status.NEW


def test_a_supervisor_may_change_any_ticket(other_ticket, supervisor):
    services.ticket_change_status(ticket=other_ticket, status=Status.ON_HOLD, actor=supervisor)

    assert Ticket.objects.get(pk=other_ticket.pk).status == Status.ON_HOLD


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


# ticket_merge --------------------------------------------------------------


@pytest.fixture
def duplicate(customer, team):
    return factories.ticket(customer=customer, team=team, subject="Transfer stuck (again)", body="Any news?")


def test_merging_moves_the_messages_and_closes_the_duplicate_with_a_pointer(ticket, duplicate, agent):
    services.ticket_reply(ticket=duplicate, body="Looking.", actor=agent)
    moved = set(duplicate.messages.values_list("id", flat=True))

    target = services.ticket_merge(source=duplicate, target=ticket, actor=agent)

    assert target.pk == ticket.pk
    source = Ticket.objects.get(pk=duplicate.pk)
    assert (source.status, source.merged_into_id) == (Status.CLOSED, ticket.pk)
    assert source.closed_at is not None
    assert not source.messages.exists()
    assert moved <= set(ticket.messages.values_list("id", flat=True))
    assert ticket.messages.count() == 3


def test_merging_writes_an_event_on_both_tickets(ticket, duplicate, agent):
    services.ticket_merge(source=duplicate, target=ticket, actor=agent)

    on_target = TicketEvent.objects.get(ticket=ticket, kind=EventKind.MERGE)
    on_source = TicketEvent.objects.get(ticket=duplicate, kind=EventKind.MERGE)
    for event in (on_target, on_source):
        assert (event.actor, event.before, event.after) == (agent, duplicate.reference, ticket.reference)
    assert on_target.note == "1 messages moved in"
    assert on_source.note == f"merged into {ticket.reference}"
    closing = TicketEvent.objects.get(ticket=duplicate, kind=EventKind.STATUS)
    assert (closing.before, closing.after, closing.note) == (Status.NEW, Status.CLOSED, "merged")


def test_tickets_of_different_customers_are_never_merged(ticket, other_customer, team, supervisor):
    foreign = factories.ticket(customer=other_customer, team=team)

    with pytest.raises(ValidationError) as caught:
        services.ticket_merge(source=foreign, target=ticket, actor=supervisor)

    assert factories.error_codes(caught.value) == {services.ERROR_MERGE_OTHER_CUSTOMER}
    assert foreign.messages.count() == 1
    assert Ticket.objects.get(pk=foreign.pk).status == Status.NEW
    assert not TicketEvent.objects.filter(kind=EventKind.MERGE).exists()


@pytest.mark.parametrize("closed", ["source", "target"])
def test_closed_tickets_are_never_merged(ticket, duplicate, agent, closed):
    services.ticket_change_status(ticket=duplicate if closed == "source" else ticket, status=Status.CLOSED, actor=agent)

    with pytest.raises(ValidationError) as caught:
        services.ticket_merge(source=duplicate, target=ticket, actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_MERGE_CLOSED}
    assert duplicate.messages.count() == 1
    assert Ticket.objects.get(pk=duplicate.pk).merged_into is None
    assert not TicketEvent.objects.filter(kind=EventKind.MERGE).exists()


def test_a_ticket_is_never_merged_into_itself(ticket, agent):
    with pytest.raises(ValidationError) as caught:
        services.ticket_merge(source=ticket, target=ticket, actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_MERGE_SAME_TICKET}
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_an_agent_cannot_merge_into_a_ticket_they_cannot_see(customer, ticket, other_team, agent):
    hidden = factories.ticket(customer=customer, team=other_team)

    with pytest.raises(PermissionDenied):
        services.ticket_merge(source=ticket, target=hidden, actor=agent)

    assert TicketMessage.objects.filter(ticket=ticket).count() == 1
