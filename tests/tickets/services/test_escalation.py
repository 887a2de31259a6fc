"""ticket_escalate: tier plus the tier's team, with the reason, notified; and back down."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tickets import services
from tickets.models import Category, Channel, EventKind, Tier
from tickets.services.escalation import ERROR_REASON_REQUIRED, ticket_escalate


@pytest.fixture
def tiers(db, team, supervisor):
    """L1 (the `team` fixture), an L2 technical team and an L3 security team, each with a supervisor."""
    team.supervisor = supervisor
    team.save(update_fields=["supervisor"])
    technical = factories.TeamFactory(name="L2 Technical", tier=Tier.L2)
    technical.categories.add(Category.objects.get(slug="technical"))
    lead = factories.supervisor(teams=[technical], username="tech_lead")
    technical.supervisor = lead
    technical.save(update_fields=["supervisor"])
    security = factories.TeamFactory(name="Security L3", tier=Tier.L3)
    return {"l1": team, "l2": technical, "l3": security}


@pytest.fixture
def ticket(customer, agent, tiers):
    ticket = services.ticket_create(
        customer=customer,
        subject="App closes on start",
        body="Version 2.14",
        channel=Channel.PORTAL,
        category=Category.objects.get(slug="technical"),
        team=tiers["l1"],
    )
    return services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)


def test_escalating_moves_the_ticket_to_the_tiers_team_with_the_reason(
    ticket, agent, tiers, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        escalated = ticket_escalate(ticket=ticket, to_tier=Tier.L2, reason="needs  log analysis", actor=agent)

    assert (escalated.tier, escalated.team, escalated.assignee) == (Tier.L2, tiers["l2"], None)
    events = {event.kind: event for event in escalated.events.all()}
    assert (events[EventKind.TIER].before, events[EventKind.TIER].after) == (Tier.L1, Tier.L2)
    assert events[EventKind.TIER].note == "needs log analysis"
    assert (events[EventKind.TEAM].after, events[EventKind.TEAM].note) == ("L2 Technical", "needs log analysis")
    assert [mail.to for mail in mailoutbox] == [["tech_lead@example.com"]]
    assert "Reason: needs log analysis" in mailoutbox[0].body


def test_de_escalation_goes_back_to_the_front_line(ticket, agent, supervisor, tiers):
    ticket_escalate(ticket=ticket, to_tier=Tier.L3, reason="possible theft", actor=agent)

    back = ticket_escalate(ticket=ticket, to_tier=Tier.L1, reason="not a security case", actor=supervisor)

    assert (back.tier, back.team) == (Tier.L1, tiers["l1"])


def test_escalating_to_the_current_tier_changes_nothing(ticket, agent):
    ticket_escalate(ticket=ticket, to_tier=Tier.L1, reason="again", actor=agent)

    assert not ticket.events.filter(kind=EventKind.TIER).exists()


def test_a_reason_is_required(ticket, agent):
    with pytest.raises(ValidationError) as error:
        ticket_escalate(ticket=ticket, to_tier=Tier.L2, reason="   ", actor=agent)

    assert error.value.error_dict["reason"][0].code == ERROR_REASON_REQUIRED


def test_only_staff_who_can_work_the_ticket_may_escalate(ticket, other_agent, customer):
    with pytest.raises(PermissionDenied):
        ticket_escalate(ticket=ticket, to_tier=Tier.L2, reason="x", actor=other_agent)
    with pytest.raises(PermissionDenied):
        ticket_escalate(ticket=ticket, to_tier=Tier.L2, reason="x", actor=customer.user)


def test_the_admin_tier_action_escalates(ticket, supervisor, client, tiers):
    client.force_login(supervisor)

    response = client.post(
        "/admin/tickets/ticket/",
        {"action": "change_tier", "_selected_action": [ticket.pk], "tier": Tier.L2, "reason": "crash", "apply": "1"},
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team) == (Tier.L2, tiers["l2"])
