"""The agents' workspace: the ticket change page, bulk actions and who may see what."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests import factories
from tickets import services
from tickets.models import (
    AuthorKind,
    Customer,
    CustomerEmail,
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

CHANGELIST = reverse("admin:tickets_ticket_changelist")


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


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


# The change page -----------------------------------------------------------


def test_the_change_page_shows_one_timeline_of_messages_and_events(agent_client, ticket, agent):
    services.ticket_add_note(ticket=ticket, body="Congestion on Tron, check again at noon.", actor=agent)
    services.ticket_change_priority(ticket=ticket, priority=Priority.HIGH, actor=agent)

    response = agent_client.get(change_url(ticket))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="sd-timeline"' in content
    assert "Sent 250 USDT." in content
    assert "Congestion on Tron, check again at noon." in content
    assert "Internal note" in content
    assert "Priority changed: Normal → High" in content
    kinds = [entry.event.kind if entry.event else "message" for entry in response.context["timeline"]]
    assert kinds == ["created", "message", "message", "note", "priority"]
    assert '<textarea name="reply_body"' in content


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


# Who sees what -------------------------------------------------------------


def test_an_agent_sees_only_their_teams_and_assigned_tickets_in_the_changelist(
    agent_client, agent, supervisor, ticket, other_ticket, customer
):
    assigned_elsewhere = factories.ticket(customer=customer)
    services.ticket_assign(ticket=assigned_elsewhere, assignee=agent, actor=supervisor)

    response = agent_client.get(CHANGELIST)

    assert response.status_code == 200
    assert {t.pk for t in response.context["cl"].result_list} == {ticket.pk, assigned_elsewhere.pk}
    assert other_ticket.reference not in response.content.decode()


def test_an_agent_searching_for_another_teams_reference_finds_nothing(agent_client, other_ticket, ticket):
    response = agent_client.get(CHANGELIST, {"q": other_ticket.reference})

    assert list(response.context["cl"].result_list) == []


def test_searching_by_reference_finds_the_ticket(agent_client, ticket, customer, team):
    factories.ticket(customer=customer, team=team)

    response = agent_client.get(CHANGELIST, {"q": ticket.reference.lower()})

    assert [t.pk for t in response.context["cl"].result_list] == [ticket.pk]


def test_the_assignee_filter_shows_my_tickets_and_unassigned_ones(agent_client, agent, ticket, customer, team):
    other = factories.ticket(customer=customer, team=team)
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    mine = agent_client.get(CHANGELIST, {"assignee": "me"})
    unassigned = agent_client.get(CHANGELIST, {"assignee": "none"})

    assert [t.pk for t in mine.context["cl"].result_list] == [ticket.pk]
    assert [t.pk for t in unassigned.context["cl"].result_list] == [other.pk]


def test_an_agent_opening_another_teams_ticket_by_url_gets_no_access(agent_client, other_ticket):
    response = agent_client.get(change_url(other_ticket))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    posted = agent_client.post(change_url(other_ticket), work_form(other_ticket, reply_body="sneaky"))
    assert posted.status_code == 302
    assert other_ticket.messages.count() == 1


def test_an_agent_cannot_see_another_teams_events_in_the_audit_log(agent_client, ticket, other_ticket):
    response = agent_client.get(reverse("admin:tickets_ticketevent_changelist"))

    assert {e.ticket_id for e in response.context["cl"].result_list} == {ticket.pk}


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


def test_a_manager_gets_no_bulk_actions(client, manager, other_ticket):
    client.force_login(manager)

    response = client.post(CHANGELIST, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: [other_ticket.pk]})

    assert response.status_code == 200
    assert response.context["action_form"] is None
    assert Ticket.objects.get(pk=other_ticket.pk).assignee is None


# Bulk actions --------------------------------------------------------------


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


# Customers -----------------------------------------------------------------


def test_the_customer_merge_action_keeps_the_chosen_customer(client, supervisor, customer, team):
    duplicate = factories.CustomerFactory(email="alice.old@example.com")
    moved = factories.ticket(customer=duplicate, team=team)
    client.force_login(supervisor)
    url = reverse("admin:tickets_customer_changelist")
    selection = {"action": "merge_customers", ACTION_CHECKBOX_NAME: [customer.pk, duplicate.pk]}

    page = client.post(url, selection)
    assert page.status_code == 200
    assert page.templates[0].name == "admin/tickets/customer/merge_form.html"
    response = client.post(url, {**selection, "apply": "Merge", "primary": customer.pk}, follow=True)

    assert shown_messages(response) == [f"1 customer merged into {customer}."]
    assert list(Customer.objects.all()) == [customer]
    assert Ticket.objects.get(pk=moved.pk).customer == customer
    assert CustomerEmail.objects.get(customer=customer).email == "alice.old@example.com"


def test_the_customer_form_normalises_the_email_and_refuses_a_taken_one(client, supervisor, customer):
    client.force_login(supervisor)
    CustomerEmail.objects.create(customer=customer, email="alice.work@example.com")
    base = {
        "name": "Carol",
        "language": "en",
        "other_emails-TOTAL_FORMS": "0",
        "other_emails-INITIAL_FORMS": "0",
        "wallet_addresses-TOTAL_FORMS": "0",
        "wallet_addresses-INITIAL_FORMS": "0",
        "_save": "Save",
    }

    taken = client.post(reverse("admin:tickets_customer_add"), {**base, "email": " Alice.Work@Example.com "})
    created = client.post(reverse("admin:tickets_customer_add"), {**base, "email": "  Carol@Example.COM "})

    assert taken.status_code == 200
    assert "email" in taken.context["adminform"].form.errors
    assert created.status_code == 302
    assert Customer.objects.filter(email="carol@example.com").exists()
