"""Each event notifies exactly the right people once, never the actor; opening, marking read, digests."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tickets import services
from tickets.complaints import services as complaint_services
from tickets.models import EventKind, Ticket
from tickets.notifications import services as notifications
from tickets.notifications.mentions import mentioned_usernames
from tickets.notifications.models import DigestFrequency, Notification, NotificationKind, NotificationSettings

pytestmark = pytest.mark.django_db

MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


def sent(kind=None):
    rows = Notification.objects.order_by("recipient__username")
    if kind:
        rows = rows.filter(kind=kind)
    return [(row.recipient.username, row.kind) for row in rows]


def test_assigning_a_ticket_notifies_the_assignee_not_the_actor(
    ticket, agent, supervisor, teammate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(ticket=ticket, assignee=agent, actor=supervisor)
    taken = factories.ticket(team=ticket.team, subject="Taken by myself")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(ticket=taken, assignee=teammate, actor=teammate)

    assert sent() == [("agent", NotificationKind.ASSIGNED)]
    row = Notification.objects.get()
    assert row.ticket == ticket and row.actor == supervisor and ticket.reference in row.text
    assert row.url == f"/admin/tickets/ticket/{ticket.pk}/change/"


def test_moving_a_ticket_to_a_team_notifies_its_members_except_the_actor(
    ticket, other_team, other_agent, supervisor, django_capture_on_commit_callbacks
):
    colleague = factories.agent(teams=[other_team], username="colleague")
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_change_team(ticket=ticket, team=other_team, actor=supervisor)

    assert sent() == [("colleague", NotificationKind.TEAM_ASSIGNED), ("other_agent", NotificationKind.TEAM_ASSIGNED)]
    assert colleague.notifications.get().ticket == ticket


def test_a_customer_reply_notifies_the_assignee_only(ticket, agent, teammate, django_capture_on_commit_callbacks):
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_customer_reply(ticket=ticket, body="Any news?", via="portal", user=ticket.customer.user)

    assert sent() == [("agent", NotificationKind.CUSTOMER_REPLIED)]


def test_an_unassigned_ticket_reply_notifies_nobody(ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_customer_reply(ticket=ticket, body="Any news?", via="portal", user=ticket.customer.user)

    assert sent() == []


def test_mentions_in_an_internal_note_notify_staff_who_see_the_ticket(
    ticket, agent, teammate, other_agent, django_capture_on_commit_callbacks
):
    body = "@teammate can you check? cc @other_agent, @agent and @nobody, mail a@teammate.example"
    with django_capture_on_commit_callbacks(execute=True):
        note = services.ticket_add_note(ticket=ticket, body=body, actor=agent)

    # other_agent cannot see the ticket (another team); the author is not told about their own note.
    assert sent() == [("teammate", NotificationKind.MENTIONED)]
    row = Notification.objects.get()
    assert row.url.endswith(f"#message-{note.pk}") and row.actor == agent


def test_mentions_in_a_public_reply_notify_nobody(ticket, agent, teammate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket=ticket, body="Our colleague @teammate will follow up.", actor=agent)

    assert sent() == []


def test_mention_parsing():
    assert mentioned_usernames("hi @bob. and @a.b-c+d, (@carol) x@y.com @") == {"bob", "a.b-c+d", "carol"}


def test_a_remedy_awaiting_approval_notifies_the_approvers_but_not_the_proposer(
    ticket, supervisor, agent, django_capture_on_commit_callbacks
):
    second = factories.supervisor(username="second-supervisor")
    complaint = factories.complaint(ticket=ticket, actor=supervisor, stage="investigation")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_services.remedy_propose(
            complaint=complaint, kind="refund", actor=supervisor, amount=Decimal("100000"), asset="USDT"
        )

    assert sent(NotificationKind.APPROVAL_NEEDED) == [("second-supervisor", NotificationKind.APPROVAL_NEEDED)]
    assert second.notifications.get().url == "/admin/tickets/complaint/approvals/"


def test_a_remedy_under_the_threshold_notifies_nobody(ticket, supervisor, django_capture_on_commit_callbacks):
    factories.supervisor(username="second-supervisor")
    complaint = factories.complaint(ticket=ticket, actor=supervisor, stage="investigation")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_services.remedy_propose(complaint=complaint, kind="explanation", actor=supervisor)

    assert sent(NotificationKind.APPROVAL_NEEDED) == []


def test_an_exposed_secret_notifies_the_security_officers(customer, team, agent, django_capture_on_commit_callbacks):
    factories.security_officer(username="officer")
    with django_capture_on_commit_callbacks(execute=True):
        exposed = factories.ticket(customer=customer, team=team, body=f"my words are {MNEMONIC}")

    assert sent(NotificationKind.SECRET_EXPOSED) == [("officer", NotificationKind.SECRET_EXPOSED)]
    row = Notification.objects.get(kind=NotificationKind.SECRET_EXPOSED)
    assert row.ticket == exposed and "abandon" not in row.text


def _assigned_tickets(count, agent, team):
    tickets = [factories.ticket(team=team, subject=f"Case {n}") for n in range(count)]
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(assignee=agent)
    return [t.pk for t in tickets]


def test_sla_notices_are_batched_in_constant_queries(agent, team):
    one = _assigned_tickets(1, agent, team)
    twenty = _assigned_tickets(20, agent, team)

    with CaptureQueriesContext(connection) as for_one:
        notifications.notify_sla(kind=EventKind.SLA_WARNING, ticket_ids=one)
    with CaptureQueriesContext(connection) as for_twenty:
        notifications.notify_sla(kind=EventKind.SLA_BREACH, ticket_ids=twenty)

    writes = [q["sql"] for q in for_twenty.captured_queries if q["sql"].startswith("INSERT")]
    assert len(for_one.captured_queries) == len(for_twenty.captured_queries) and len(writes) == 1

    assert Notification.objects.filter(recipient=agent, kind=NotificationKind.SLA_BREACH).count() == 20
    assert Notification.objects.filter(recipient=agent, kind=NotificationKind.SLA_WARNING).count() == 1


def test_the_sla_task_notifies_the_assignees_of_assigned_tickets_only(agent, team):
    from tickets.sla import tasks

    ids = [*_assigned_tickets(2, agent, team), factories.ticket(team=team).pk]
    tasks.notify_sla(EventKind.SLA_BREACH, "first_response", ids)

    assert sent() == [("agent", NotificationKind.SLA_BREACH)] * 2


def test_only_the_recipient_opens_a_notification(agent, teammate, ticket):
    [row] = notifications.notify(
        recipient_ids=[agent.pk], kind=NotificationKind.ASSIGNED, text="x", url="/admin/", ticket_id=ticket.pk
    )
    with pytest.raises(PermissionDenied):
        notifications.notification_open(notification_id=row.pk, user=teammate)
    row.refresh_from_db()
    assert row.read_at is None

    assert notifications.notification_open(notification_id=row.pk, user=agent) == "/admin/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_mark_read_touches_only_the_users_own(agent, teammate):
    for user in (agent, agent, teammate):
        notifications.notify(recipient_ids=[user.pk], kind=NotificationKind.ASSIGNED, text="x", url="/admin/")

    assert notifications.notifications_mark_read(user=agent) == 2
    assert Notification.objects.unread().get().recipient == teammate


def _old_unread(user, minutes=30):
    [row] = notifications.notify(recipient_ids=[user.pk], kind=NotificationKind.ASSIGNED, text="SD-1 x", url="/a/")
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return row


def test_digests_mail_unread_notifications_once(agent, teammate, supervisor, mailoutbox):
    _old_unread(agent)
    _old_unread(agent)
    _old_unread(teammate, minutes=1)  # too fresh: they may be at their desk
    read = _old_unread(supervisor)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())

    assert notifications.notification_digests_send() == 1
    assert notifications.notification_digests_send() == 0

    [mail] = mailoutbox
    assert mail.to == [agent.email] and "2" in mail.subject and mail.body.count("/a/") == 2
    assert Notification.objects.filter(recipient=agent, emailed_at__isnull=False).count() == 2


def test_digest_frequency_is_respected(agent, teammate, mailoutbox):
    now = timezone.now()
    notifications.notification_settings_update(user=teammate, digest=DigestFrequency.OFF)
    notifications.notification_settings_update(user=agent, digest=DigestFrequency.DAILY)
    NotificationSettings.objects.filter(user=agent).update(last_digest_at=now - timedelta(hours=3))
    _old_unread(agent)
    _old_unread(teammate)

    assert notifications.notification_digests_send(now=now) == 0
    assert notifications.notification_digests_send(now=now + timedelta(days=1)) == 1
    assert [mail.to for mail in mailoutbox] == [[agent.email]]


def test_customer_replies_notify_once_until_the_assignee_reads(ticket, agent, django_capture_on_commit_callbacks):
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)
    with django_capture_on_commit_callbacks(execute=True):
        for body in ("Any news?", "Hello?", "Still waiting"):
            services.ticket_customer_reply(ticket=ticket, body=body, via="portal", user=ticket.customer.user)

    assert sent() == [("agent", NotificationKind.CUSTOMER_REPLIED)]
