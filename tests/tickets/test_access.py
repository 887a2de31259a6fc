"""One permission model: every writing service checks the actor's role and the object rules itself,
so the REST API, the admin, the portal and tasks answer the same."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from tests import factories
from tickets import access, services
from tickets.models import AgentProfile, Status, Ticket, Tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_without_permission(team):
    """Staff in the ticket's team, but in no role: sees nothing it may change."""
    user = factories.UserFactory(is_staff=True, username="no-role")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_ticket", "view_all_tickets"]))
    return user


@pytest.fixture(params=["manager", "staff_without_permission"])
def read_only(request):
    return request.getfixturevalue(request.param)


WRITES = {
    "reply": lambda ticket, actor: services.ticket_reply(ticket=ticket, body="On it.", actor=actor),
    "note": lambda ticket, actor: services.ticket_add_note(ticket=ticket, body="Internal.", actor=actor),
    "status": lambda ticket, actor: services.ticket_change_status(ticket=ticket, status=Status.OPEN, actor=actor),
    "assign": lambda ticket, actor: services.ticket_assign(ticket=ticket, assignee=actor, actor=actor),
    "priority": lambda ticket, actor: services.ticket_change_priority(ticket=ticket, priority="high", actor=actor),
    "escalate": lambda ticket, actor: services.ticket_escalate(ticket=ticket, to_tier=Tier.L2, reason="x", actor=actor),
    "tags": lambda ticket, actor: services.ticket_set_tags(ticket=ticket, tags=[factories.TagFactory()], actor=actor),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_read_only_role_sees_the_ticket_but_every_write_service_refuses(ticket, read_only, write):
    assert Ticket.objects.visible_to(read_only).filter(pk=ticket.pk).exists()

    with pytest.raises(PermissionDenied):
        WRITES[write](ticket, read_only)

    assert ticket.events.count() == 1


@pytest.mark.parametrize("write", WRITES)
def test_an_agent_of_the_team_may_make_every_write(ticket, agent, write):
    WRITES[write](ticket, agent)

    assert ticket.events.count() > 1


def test_a_customer_is_never_staff_for_a_service(ticket, customer):
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=ticket, body="I am the agent now.", actor=customer.user)


def test_an_inactive_agent_keeps_no_rights(ticket, agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        access.require_ticket_permission(agent, ticket.pk)


@pytest.mark.parametrize(
    ("api_route", "payload"),
    [
        ("messages", {"body": "Hello from the manager."}),
        ("status", {"status": "open"}),
        ("assign", {"assignee": None}),
    ],
)
@pytest.mark.parametrize("role", ["manager", "staff_without_permission"])
def test_the_api_answers_403_to_a_read_only_role_on_every_write_route(request, ticket, role, api_route, payload):
    client = factories.token_client(request.getfixturevalue(role))

    response = client.post(f"/api/v1/tickets/{ticket.pk}/{api_route}/", payload, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    assert (ticket.messages.count(), ticket.events.count()) == (1, 1)


# Object rules --------------------------------------------------------------------


def test_an_agent_cannot_work_a_ticket_of_another_team(other_ticket, agent):
    with pytest.raises(PermissionDenied):
        services.ticket_change_status(ticket=other_ticket, status=Status.OPEN, actor=agent)


def test_an_l1_agent_escalates_but_cannot_send_an_l3_case_back_down(ticket, agent, team):
    services.ticket_escalate(ticket=ticket, to_tier=Tier.L3, reason="Security case", actor=agent)
    ticket.refresh_from_db()
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])

    with pytest.raises(PermissionDenied):
        services.ticket_change_tier(ticket=ticket, tier=Tier.L1, actor=agent, reason="Not security")

    l3_agent = factories.agent(teams=[team], tier=Tier.L3)
    senior = factories.senior_agent(teams=[team])
    services.ticket_change_tier(ticket=ticket, tier=Tier.L2, actor=l3_agent, reason="Technical after all")
    services.ticket_change_tier(ticket=ticket, tier=Tier.L1, actor=senior, reason="Plain question")
    ticket.refresh_from_db()
    assert ticket.tier == Tier.L1


def test_only_assign_any_ticket_takes_a_ticket_from_its_holder(ticket, agent, team, supervisor):
    colleague = factories.agent(teams=[team])
    services.ticket_assign(ticket=ticket, assignee=colleague, actor=colleague)

    with pytest.raises(PermissionDenied):
        services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    services.ticket_assign(ticket=ticket, assignee=agent, actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_staff_in_no_role_read_no_ticket_through_the_api(ticket, team):
    clerk = factories.UserFactory(is_staff=True, username="clerk")
    AgentProfile.objects.create(user=clerk).teams.set([team])

    response = factories.token_client(clerk).get(f"/api/v1/tickets/{ticket.pk}/")

    assert response.status_code == 404
    assert not Ticket.objects.visible_to(clerk).exists()
