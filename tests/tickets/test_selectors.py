"""Visibility: Ticket.objects.visible_to and the selectors built on it, for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tests import factories
from tickets import selectors, services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(customer, other_customer, team, other_team):
    """Alice's ticket in team, Bob's ticket in other_team, and Bob's ticket with no team."""
    return {
        "alice_team": factories.ticket(customer=customer, team=team),
        "bob_other_team": factories.ticket(customer=other_customer, team=other_team),
        "bob_no_team": factories.ticket(customer=other_customer),
    }


def visible(user) -> set[int]:
    return set(Ticket.objects.visible_to(user).values_list("id", flat=True))


def ids(tickets, *names) -> set[int]:
    return {tickets[name].pk for name in names}


def test_a_customer_sees_only_their_own_tickets(tickets, customer, other_customer):
    assert visible(customer.user) == ids(tickets, "alice_team")
    assert visible(other_customer.user) == ids(tickets, "bob_other_team", "bob_no_team")


def test_a_user_without_a_customer_record_sees_nothing(tickets):
    assert visible(factories.UserFactory(username="stranger")) == set()


def test_an_agent_sees_their_teams_tickets_and_those_assigned_to_them_but_no_others(
    tickets, agent, supervisor, team, other_team
):
    services.ticket_assign(ticket=tickets["bob_no_team"], assignee=agent, actor=supervisor)

    assert visible(agent) == ids(tickets, "alice_team", "bob_no_team")


def test_an_agent_in_two_teams_sees_each_ticket_once(tickets, team, other_team):
    both = factories.agent(teams=[team, other_team], username="both")

    assert sorted(Ticket.objects.visible_to(both).values_list("id", flat=True)) == sorted(
        ids(tickets, "alice_team", "bob_other_team")
    )


def test_an_agent_without_teams_sees_nothing(tickets):
    assert visible(factories.agent(username="newbie")) == set()


@pytest.mark.parametrize("role", ["supervisor", "manager", "administrator"])
def test_supervisors_managers_and_administrators_see_every_ticket(tickets, request, role):
    user = request.getfixturevalue(role)

    assert visible(user) == ids(tickets, "alice_team", "bob_other_team", "bob_no_team")


def test_anonymous_and_inactive_users_see_nothing(tickets, customer, administrator):
    customer.user.is_active = False
    administrator.is_active = False

    assert visible(AnonymousUser()) == set()
    assert visible(customer.user) == set()
    assert visible(administrator) == set()


# ticket_for_user -----------------------------------------------------------


def test_ticket_for_user_returns_a_visible_ticket(tickets, customer, agent):
    assert selectors.ticket_for_user(user=customer.user, pk=tickets["alice_team"].pk) == tickets["alice_team"]
    assert selectors.ticket_for_user(user=agent, pk=tickets["alice_team"].pk) == tickets["alice_team"]


@pytest.mark.parametrize("pk", ["bob_other_team", "missing", "not-a-number"])
def test_ticket_for_user_raises_404_for_anything_not_visible(tickets, customer, agent, pk):
    key = {"missing": 10**9, "not-a-number": "abc"}.get(pk) or tickets[pk].pk

    with pytest.raises(Http404):
        selectors.ticket_for_user(user=customer.user, pk=key)
    with pytest.raises(Http404):
        selectors.ticket_for_user(user=agent, pk=key)
    with pytest.raises(Http404):
        selectors.ticket_for_user(user=AnonymousUser(), pk=key)


# attachment_for_user -------------------------------------------------------


@pytest.fixture
def files(ticket, agent):
    """A customer's file on the first message, an agent's file on a public reply and one on an internal note."""
    customer_file = services.ticket_customer_reply(
        ticket=ticket, body="Screenshot", via="portal", attachments=[factories.png_upload()]
    ).attachments.get()
    reply_file = services.ticket_reply(
        ticket=ticket, body="Guide attached", actor=agent, attachments=[factories.text_upload("guide.txt")]
    ).attachments.get()
    note_file = services.ticket_add_note(
        ticket=ticket, body="Chain explorer dump", actor=agent, attachments=[factories.text_upload("dump.txt")]
    ).attachments.get()
    return {"customer": customer_file, "reply": reply_file, "note": note_file}


def test_a_customer_gets_the_public_files_of_their_ticket_but_never_internal_note_files(files, customer):
    assert selectors.attachment_for_user(user=customer.user, pk=files["customer"].pk) == files["customer"]
    assert selectors.attachment_for_user(user=customer.user, pk=files["reply"].pk) == files["reply"]
    with pytest.raises(Http404):
        selectors.attachment_for_user(user=customer.user, pk=files["note"].pk)


@pytest.mark.parametrize("role", ["agent", "supervisor", "manager", "administrator"])
def test_staff_who_see_the_ticket_get_every_file_including_internal_ones(files, request, role):
    user = request.getfixturevalue(role)

    for attachment in files.values():
        assert selectors.attachment_for_user(user=user, pk=attachment.pk) == attachment


@pytest.mark.parametrize("who", ["other_customer", "other_agent", "anonymous"])
def test_nobody_else_gets_any_file(files, request, who):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    user = getattr(user, "user", user)

    for attachment in files.values():
        with pytest.raises(Http404):
            selectors.attachment_for_user(user=user, pk=attachment.pk)


# Dashboard selectors -------------------------------------------------------


def test_the_queue_counts_only_cover_what_the_user_may_see(tickets, agent, team, supervisor):
    services.ticket_assign(ticket=tickets["alice_team"], assignee=agent, actor=agent)
    factories.ticket(customer=tickets["alice_team"].customer, team=team, priority="urgent")
    services.ticket_change_status(ticket=tickets["alice_team"], status=Status.PENDING_CUSTOMER, actor=agent)

    counts = selectors.queue_counts(user=agent)

    assert counts.mine_open == 1
    assert counts.unassigned_in_my_teams == 1
    assert counts.by_status == {"New": 1, "Open": 0, "Pending customer": 1, "On hold": 0}
    assert counts.by_priority == {"Low": 0, "Normal": 1, "High": 0, "Urgent": 1}
    assert selectors.queue_counts(user=supervisor).by_status["New"] == 3


def test_the_dashboard_lists_are_bounded_and_visible_only(tickets, agent):
    services.ticket_assign(ticket=tickets["alice_team"], assignee=agent, actor=agent)

    assert selectors.tickets_assigned_open(user=agent) == [tickets["alice_team"]]
    assert selectors.tickets_unassigned_in_teams(user=agent) == []
    assert set(selectors.tickets_newest(user=agent, limit=5)) == {tickets["alice_team"]}


def test_the_timeline_hides_internal_notes_and_events_from_customers(ticket, agent):
    services.ticket_add_note(ticket=ticket, body="internal", actor=agent)
    services.ticket_reply(ticket=ticket, body="public", actor=agent)

    staff_view = selectors.ticket_timeline(ticket=ticket, include_internal=True)
    customer_view = selectors.ticket_timeline(ticket=ticket, include_internal=False)

    assert [entry.message.body for entry in customer_view] == ["Sent 250 USDT.", "public"]
    assert [entry.message.body for entry in staff_view if entry.message] == ["Sent 250 USDT.", "internal", "public"]
    assert [entry.event.kind for entry in staff_view if entry.event] == ["created", "note", "reply", "status"]
    assert [entry.at for entry in staff_view] == sorted(entry.at for entry in staff_view)


# The customer of a login ----------------------------------------------------------


def test_a_linked_login_finds_its_customer(customer):
    assert selectors.customer_for_user(user=customer.user) == customer


def test_a_login_not_linked_to_a_customer_has_none(db):
    assert selectors.customer_for_user(user=factories.UserFactory(username="new@example.com")) is None


@pytest.mark.parametrize("who", ["anonymous", "nobody"])
def test_an_anonymous_visitor_has_no_customer(db, who):
    assert selectors.customer_for_user(user=AnonymousUser() if who == "anonymous" else None) is None


def test_staff_are_never_a_customer_even_when_a_record_points_at_them(agent):
    factories.CustomerFactory(email="agent@example.com", user=agent)

    assert selectors.customer_for_user(user=agent) is None


@pytest.mark.parametrize(("case", "refusal"), factories.CUSTOMER_REPLY_CASES.items())
def test_the_customer_may_reply_unless_closed_or_solved_before_the_window(ticket, customer, case, refusal):
    ticket = factories.put_in_reply_case(ticket, case)

    assert selectors.customer_can_reply(ticket=ticket) is (refusal is None)
    assert list(selectors.tickets_customer_can_reply(user=customer.user)) == ([ticket] if refusal is None else [])
