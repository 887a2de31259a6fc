"""The ticket page (change and add views): the work form, its saves through the services, who may see and change it."""

import pytest
from django.urls import reverse

from tests import factories
from tests.admin_queries import measured_get
from tickets import services
from tickets.admin.conversation import TIMELINE_RECENT
from tickets.models import (
    AuthorKind,
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


def change_url(ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def work_form(ticket, **changes) -> dict:
    """The change page's form as the browser posts it, unchanged unless told otherwise."""
    ticket.refresh_from_db()
    data = {
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id or "",
        "team": ticket.team_id or "",
        "category": ticket.category_id or "",
        "tier": ticket.tier,
        "escalation_reason": "",
        "reply_body": "",
        "_save": "Save",
    }
    data.update(changes)
    return data


def ticket_with_messages(count):
    ticket = factories.TicketFactory()
    for position in range(count):
        factories.TicketMessageFactory(
            ticket=ticket, body=f"message number {position:03d}", author_kind=AuthorKind.CUSTOMER
        )
    return ticket


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The change page -------------------------------------------------------------


def test_a_reply_from_the_change_page_goes_through_the_service(agent_client, ticket, agent):
    response = agent_client.post(change_url(ticket), work_form(ticket, reply_body="We are checking the explorer."))

    assert response.status_code == 302
    reply = TicketMessage.objects.filter(ticket=ticket).last()
    assert (reply.body, reply.author, reply.author_kind, reply.is_internal) == (
        "We are checking the explorer.",
        agent,
        AuthorKind.AGENT,
        False,
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at == reply.created_at
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED, EventKind.REPLY, EventKind.STATUS]


def test_an_internal_note_with_an_attachment_from_the_change_page(agent_client, ticket):
    data = work_form(ticket, reply_body="Explorer dump attached.", reply_internal="on")
    data["reply_attachments"] = factories.text_upload("dump.txt", b"block 1200 ok\n")

    response = agent_client.post(change_url(ticket), data)

    assert response.status_code == 302
    note = TicketMessage.objects.filter(ticket=ticket).last()
    assert note.is_internal
    assert [a.filename for a in note.attachments.all()] == ["dump.txt"]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == (Status.NEW, None)


def test_a_forbidden_attachment_on_the_change_page_is_a_form_error_and_stores_nothing(agent_client, ticket):
    data = work_form(ticket, reply_body="Here you go.")
    data["reply_attachments"] = factories.upload("tool.exe", b"MZ\x90")

    response = agent_client.post(change_url(ticket), data)

    assert response.status_code == 200
    assert "reply_attachments" in response.context["adminform"].form.errors
    assert ticket.messages.count() == 1


def test_a_reply_and_a_status_change_are_saved_together(agent_client, ticket):
    response = agent_client.post(
        change_url(ticket), work_form(ticket, reply_body="Which address?", status=Status.PENDING_CUSTOMER)
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    statuses = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS).values_list("before", "after")
    assert list(statuses) == [(Status.NEW, Status.PENDING_CUSTOMER)]


def test_a_disallowed_status_on_the_change_page_is_a_form_error_and_changes_nothing(agent_client, team, agent):
    ticket = factories.ticket(team=team)
    services.ticket_change_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    events_before = ticket.events.count()

    response = agent_client.post(
        change_url(ticket), work_form(ticket, status=Status.PENDING_CUSTOMER, reply_body="Reopening?")
    )

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.events.count() == events_before
    assert ticket.messages.count() == 1


def test_the_status_control_offers_only_allowed_moves(agent_client, team, agent):
    ticket = factories.ticket(team=team)
    services.ticket_change_status(ticket=ticket, status=Status.SOLVED, actor=agent)

    response = agent_client.get(change_url(ticket))

    choices = [value for value, _label in response.context["adminform"].form.fields["status"].choices]
    assert choices == [Status.OPEN, Status.SOLVED, Status.CLOSED]


def test_priority_assignee_tier_and_tags_from_the_change_page_write_events(agent_client, ticket, agent):
    tag = Tag.objects.create(name="tron")

    response = agent_client.post(
        change_url(ticket),
        work_form(
            ticket,
            priority=Priority.URGENT,
            assignee=agent.pk,
            tier=Tier.L2,
            escalation_reason="needs a node check",
            ticket_tags=[tag.pk],
        ),
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee, ticket.tier) == (Priority.URGENT, agent, Tier.L2)
    assert list(ticket.tags.all()) == [tag]
    kinds = set(ticket.events.values_list("kind", flat=True))
    assert {EventKind.PRIORITY, EventKind.ASSIGNMENT, EventKind.TIER, EventKind.TAGS} <= kinds


def test_an_agent_replies_and_hands_the_ticket_to_another_team_in_one_save(agent_client, ticket, other_team):
    response = agent_client.post(
        change_url(ticket), work_form(ticket, team=other_team.pk, reply_body="Handing over to security."), follow=True
    )

    [message] = shown_messages(response)
    assert message.endswith("was changed successfully.")
    ticket.refresh_from_db()
    assert ticket.team == other_team
    assert ticket.messages.last().body == "Handing over to security."
    assert list(ticket.events.values_list("kind", flat=True)) == [
        EventKind.CREATED,
        EventKind.REPLY,
        EventKind.STATUS,
        EventKind.TEAM,
    ]


def test_a_refused_step_on_the_change_page_undoes_the_whole_save(agent_client, ticket, other_team, other_agent):
    # Valid as a form, but once the ticket is in the other team the agent may no longer assign it.
    response = agent_client.post(
        change_url(ticket),
        work_form(ticket, priority=Priority.URGENT, team=other_team.pk, assignee=other_agent.pk, reply_body="Moving"),
        follow=True,
    )

    assert "You cannot work on this ticket." in shown_messages(response)
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.team.name, ticket.assignee, ticket.status) == (
        Priority.NORMAL,
        "L1 General",
        None,
        Status.NEW,
    )
    assert ticket.messages.count() == 1
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_a_tier_change_without_a_reason_is_a_form_error(agent_client, ticket):
    response = agent_client.post(change_url(ticket), work_form(ticket, tier=Tier.L3))

    assert response.status_code == 200
    assert "escalation_reason" in response.context["adminform"].form.errors
    assert Ticket.objects.get(pk=ticket.pk).tier == Tier.L1


def test_assigning_an_agent_of_another_team_is_a_form_error(agent_client, ticket, other_agent):
    response = agent_client.post(change_url(ticket), work_form(ticket, assignee=other_agent.pk))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    assert not ticket.events.filter(kind=EventKind.ASSIGNMENT).exists()


def test_an_agent_cannot_take_a_colleagues_ticket_from_the_change_page(agent_client, ticket, agent, teammate):
    services.ticket_assign(ticket=ticket, assignee=teammate, actor=teammate)

    response = agent_client.post(change_url(ticket), work_form(ticket, assignee=agent.pk))

    assert response.status_code == 200
    assert "assignee" in response.context["adminform"].form.errors
    assert Ticket.objects.get(pk=ticket.pk).assignee == teammate


def test_an_agent_adds_a_ticket_for_a_phone_call(agent_client, customer, agent):
    response = agent_client.post(
        reverse("admin:tickets_ticket_add"),
        {
            "customer": customer.pk,
            "subject": "Phone: fee question",
            "body": "Customer asked about the ETH fee.",
            "channel": "phone",
            "priority": Priority.NORMAL,
            "language": "en",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Phone: fee question")
    message = ticket.messages.get()
    assert (message.author, message.author_kind, message.via) == (agent, AuthorKind.AGENT, "phone")
    assert ticket.events.get().kind == EventKind.CREATED


# Who may see and change it ---------------------------------------------------


def test_an_agent_opening_another_teams_ticket_by_url_gets_no_access(agent_client, other_ticket):
    response = agent_client.get(change_url(other_ticket))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    posted = agent_client.post(change_url(other_ticket), work_form(other_ticket, reply_body="sneaky"))
    assert posted.status_code == 302
    assert other_ticket.messages.count() == 1


def test_a_manager_sees_the_change_page_read_only_without_a_reply_box(client, manager, supervisor, other_ticket):
    services.ticket_set_tags(ticket=other_ticket, tags=[Tag.objects.create(name="phishing")], actor=supervisor)
    client.force_login(manager)

    response = client.get(change_url(other_ticket))

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert "Is this you?" in content
    assert "<textarea" not in content
    assert 'name="_save"' not in content
    assert "Reply body" not in content
    assert '<div class="readonly">phishing</div>' in content


def test_a_manager_posting_to_the_change_page_is_refused_and_changes_nothing(client, manager, other_ticket):
    client.force_login(manager)

    response = client.post(change_url(other_ticket), work_form(other_ticket, reply_body="Hello"))

    assert response.status_code == 403
    assert other_ticket.messages.count() == 1


# Queries ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 30])
# Issue 28's budget is 10 in all: session, user, the agent's permissions (one query), the ticket (with its
# complaint, its latest identity verification and the customer's latest successful one), the controls' options
# and the ticket's tags (one UNION), messages, their attachments, events, the macros of the reply tools
# (knowledge), the read audit's INSERT.
@pytest.mark.parametrize(("role", "expected"), [("administrator", 9), ("agent", 10)])
def test_the_ticket_change_page_runs_a_fixed_number_of_queries_whatever_the_conversation_length(
    client, request, ticket, agent, django_assert_num_queries, role, expected, size
):
    for n in range(size - 1):
        if n % 2:
            services.ticket_customer_reply(
                ticket=ticket, body=f"Customer {n}", via="portal", attachments=[factories.png_upload()]
            )
        else:
            services.ticket_reply(
                ticket=ticket,
                body=f"Agent {n}",
                actor=agent,
                internal=n % 4 == 0,
                attachments=[factories.text_upload(), factories.upload("guide.pdf", factories.PDF_BYTES)],
            )
    client.force_login(request.getfixturevalue(role))

    # The whole conversation (?timeline=all): the default page shows only the newest entries.
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk]) + "?timeline=all"
    response = measured_get(client, django_assert_num_queries, url, expected)

    messages = [entry.message for entry in response.context["timeline"] if entry.message]
    assert len(messages) == size
    assert response.content.decode().count("📎") == sum(m.attachments.count() for m in messages)


def test_change_page_query_count_does_not_grow_with_messages(supervisor_client, django_assert_max_num_queries):
    counts = []
    for messages in (3, TIMELINE_RECENT * 3):
        ticket = ticket_with_messages(messages)
        with django_assert_max_num_queries(100) as captured:
            assert supervisor_client.get(change_url(ticket)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
