"""Every write of staff notifications: `notify` and the events that call it, opening, settings, digests.

The ticket services call the `*_on_commit` functions inside their transaction; the notifications are
written after the change commits (a rolled-back change notifies no one), then pushed to the
recipient's open admin pages. Nobody is notified of their own action. The event functions take ids and
read what they need in a fixed number of queries, however many tickets or recipients (the SLA sweep
reports thousands of tickets at once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from supportdesk.kit.validators import check_choice
from tickets.models import AgentProfile, EventKind, Remedy, Ticket, TicketMessage
from tickets.notifications import live
from tickets.notifications.mentions import mentioned_usernames
from tickets.notifications.models import DigestFrequency, Notification, NotificationKind, NotificationSettings
from tickets.versions import version_token

TEXT_LENGTH = Notification._meta.get_field("text").max_length
DIGEST_INTERVALS = {
    DigestFrequency.IMMEDIATE: timedelta(0),
    DigestFrequency.HOURLY: timedelta(hours=1),
    DigestFrequency.DAILY: timedelta(days=1),
}


def ticket_url(ticket_id: int) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket_id])


def ticket_text(reference: str, subject: str) -> str:
    return f"{reference} {subject}"[:TEXT_LENGTH]


def on_commit(event: Callable[..., object], **arguments) -> None:
    """Run a notification event after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: event(**arguments))


def _push(notifications: list[Notification]) -> None:
    for notification in notifications:
        live.send_now(live.user_group(notification.recipient_id), live.notification_frame(notification))


@transaction.atomic
def notify(
    *,
    recipient_ids: Iterable[int | None],
    kind: str,
    text: str,
    url: str,
    ticket_id: int | None = None,
    actor_id: int | None = None,
) -> list[Notification]:
    """One notification per recipient (never the actor), pushed live after commit. One INSERT."""
    check_choice(kind, NotificationKind, "kind")
    recipients = sorted({pk for pk in recipient_ids if pk is not None and pk != actor_id})
    rows = [
        Notification(recipient_id=pk, kind=kind, text=text[:TEXT_LENGTH], url=url, ticket_id=ticket_id,
                     actor_id=actor_id)
        for pk in recipients
    ]  # fmt: skip
    created = Notification.objects.bulk_create(rows)
    transaction.on_commit(lambda: _push(created))
    return created


def _active_staff() -> QuerySet:
    return get_user_model().objects.filter(is_active=True, is_staff=True)


def holders_of(permission: str) -> QuerySet:
    """Active staff granted `permission` ("app.codename") directly, through a role, or as superusers."""
    app_label, codename = permission.split(".")
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    by_role = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    return _active_staff().filter(direct | by_role | Q(is_superuser=True)).distinct()


# Events --------------------------------------------------------------------


def notify_ticket_assigned(*, ticket_id: int, assignee_id: int, actor_id: int | None) -> list[Notification]:
    ticket = Ticket.objects.only("pk", "subject").get(pk=ticket_id)
    return notify(
        recipient_ids=[assignee_id],
        kind=NotificationKind.ASSIGNED,
        text=ticket_text(ticket.reference, ticket.subject),
        url=ticket_url(ticket_id),
        ticket_id=ticket_id,
        actor_id=actor_id,
    )


def notify_ticket_team_assigned(*, ticket_id: int, team_id: int, actor_id: int | None) -> list[Notification]:
    """The ticket came to the team without an assignee: everyone in the team hears of it."""
    ticket = Ticket.objects.only("pk", "subject", "assignee_id", "team_id").get(pk=ticket_id)
    if ticket.assignee_id is not None or ticket.team_id != team_id:
        return []
    members = AgentProfile.objects.filter(teams=team_id, user__is_active=True, user__is_staff=True)
    return notify(
        recipient_ids=members.values_list("user_id", flat=True),
        kind=NotificationKind.TEAM_ASSIGNED,
        text=ticket_text(ticket.reference, ticket.subject),
        url=ticket_url(ticket_id),
        ticket_id=ticket_id,
        actor_id=actor_id,
    )


def notify_customer_replied(*, ticket_id: int) -> list[Notification]:
    """The assignee learns the customer wrote; once per unread burst: while they have not opened the last one for
    this ticket, further replies (a chat's every line, a customer's three mails in a row) add nothing."""
    unread = Notification.objects.unread().filter(
        recipient_id=OuterRef("assignee_id"), ticket_id=OuterRef("pk"), kind=NotificationKind.CUSTOMER_REPLIED
    )
    ticket = Ticket.objects.only("pk", "subject", "assignee_id").annotate(already_told=Exists(unread)).get(pk=ticket_id)
    if ticket.already_told:
        return []
    return notify(
        recipient_ids=[ticket.assignee_id],
        kind=NotificationKind.CUSTOMER_REPLIED,
        text=ticket_text(ticket.reference, ticket.subject),
        url=ticket_url(ticket_id),
        ticket_id=ticket_id,
    )


def notify_mentions(*, message_id: int) -> list[Notification]:
    """Staff named with @username in an internal note, if they may see the ticket."""
    message = TicketMessage.objects.select_related("ticket").get(pk=message_id)
    names = mentioned_usernames(message.body)
    if not message.is_internal or not names:
        return []
    ticket = message.ticket
    mentioned = [
        user.pk
        for user in _active_staff().filter(username__in=names)
        if Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()
    ]
    excerpt = " ".join(message.body.split())
    return notify(
        recipient_ids=mentioned,
        kind=NotificationKind.MENTIONED,
        text=f"{ticket.reference}: {excerpt}",
        url=f"{ticket_url(ticket.pk)}#message-{message.pk}",
        ticket_id=ticket.pk,
        actor_id=message.author_id,
    )


def notify_sla(*, kind: str, ticket_ids: list[int]) -> list[Notification]:
    """The assignees of tickets whose SLA clock turned at risk or breached. Two queries for any batch."""
    notification_kind = NotificationKind.SLA_BREACH if kind == EventKind.SLA_BREACH else NotificationKind.SLA_WARNING
    rows = (
        Ticket.objects.filter(pk__in=ticket_ids, assignee__is_active=True)
        .order_by("pk")
        .values_list("pk", "assignee_id", "subject")
    )
    notifications = [
        Notification(
            recipient_id=assignee_id,
            kind=notification_kind,
            text=ticket_text(Ticket(pk=pk).reference, subject),
            url=ticket_url(pk),
            ticket_id=pk,
        )
        for pk, assignee_id, subject in rows
    ]
    with transaction.atomic():
        created = Notification.objects.bulk_create(notifications)
        transaction.on_commit(lambda: _push(created))
    return created


def notify_approval_needed(*, remedy_id: int) -> list[Notification]:
    """Holders of tickets.approve_remedy, except the proposer (four eyes), hear of a remedy awaiting them."""
    remedy = Remedy.objects.select_related("complaint__ticket").get(pk=remedy_id)
    ticket = remedy.complaint.ticket
    return notify(
        recipient_ids=holders_of("tickets.approve_remedy").values_list("pk", flat=True),
        kind=NotificationKind.APPROVAL_NEEDED,
        text=f"{ticket.reference}: {remedy}",
        url=reverse("admin:tickets_complaint_approvals"),
        ticket_id=ticket.pk,
        actor_id=remedy.proposed_by_id,
    )


def notify_secret_exposed(*, ticket_id: int | None, kinds: str, channel: str) -> list[Notification]:
    """The security officers, at once: the kinds of secret and where they came in, never the text."""
    ticket = Ticket.objects.only("pk", "subject").filter(pk=ticket_id).first() if ticket_id else None
    where = ticket.reference if ticket else channel
    return notify(
        recipient_ids=holders_of("tickets.receive_security_alerts").values_list("pk", flat=True),
        kind=NotificationKind.SECRET_EXPOSED,
        text=f"{where}: {kinds}",
        url=ticket_url(ticket.pk) if ticket else reverse("admin:tickets_customer_changelist") + "?exposed=1",
        ticket_id=ticket.pk if ticket else None,
    )


def ticket_changed_on_commit(*, ticket: Ticket, actor) -> None:
    """Tell the ticket's open pages (presence sockets) it was saved: its new version and by whom."""
    frame = {
        "type": "changed",
        "version": version_token(ticket),
        "by": (actor.get_full_name() or actor.get_username()) if actor is not None else "",
    }
    transaction.on_commit(lambda: live.send_now(live.ticket_group(ticket.pk), frame))


# The recipient's own actions ------------------------------------------------


def notification_open(*, notification_id: int, user) -> str:
    """Mark the user's notification read and return where it points. Someone else's is not found."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise PermissionDenied(_("This is not your notification."))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification.url


def notifications_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all of them, or those listed); returns how many."""
    unread = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def notification_settings_update(*, user, digest: str) -> NotificationSettings:
    """A staff member chooses how often unread notifications are mailed to them."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied(_("Your role does not allow this."))
    check_choice(digest, DigestFrequency, "digest")
    row, _created = NotificationSettings.objects.update_or_create(user=user, defaults={"digest": digest})
    return row


# Digests -------------------------------------------------------------------


def _digest_due(row: NotificationSettings | None, now: datetime) -> bool:
    frequency = row.digest if row else DigestFrequency.HOURLY
    if frequency == DigestFrequency.OFF:
        return False
    last = row.last_digest_at if row else None
    return last is None or now - last >= DIGEST_INTERVALS[frequency]


def notification_digests_send(*, now: datetime | None = None) -> int:
    """Mail each staff member whose digest is due the notifications they have not read (nor been mailed).

    An agent at their desk sees the bell and reads what comes in; a notification still unread after
    NOTIFICATION_DIGEST_GRACE_MINUTES means they are away. Idempotent: a notification is mailed once
    (claimed by setting emailed_at in the transaction that sends it), so a second run sends nothing.
    Returns the number of mails sent.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.NOTIFICATION_DIGEST_GRACE_MINUTES)
    pending = (
        Notification.objects.unread()
        .filter(emailed_at__isnull=True, created_at__lte=cutoff, recipient__is_active=True)
        .exclude(recipient__email="")
    )
    recipient_ids = set(pending.values_list("recipient_id", flat=True).distinct())
    settings_of = {row.user_id: row for row in NotificationSettings.objects.filter(user_id__in=recipient_ids)}
    sent = 0
    for recipient in get_user_model().objects.filter(pk__in=recipient_ids).order_by("pk"):
        if _digest_due(settings_of.get(recipient.pk), now):
            sent += _send_digest(recipient=recipient, pending=pending.filter(recipient=recipient), now=now)
    return sent


@transaction.atomic
def _send_digest(*, recipient, pending: QuerySet, now: datetime) -> int:
    items = list(pending.select_for_update().order_by("created_at", "pk"))
    if not items:
        return 0
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=now)
    NotificationSettings.objects.update_or_create(user=recipient, defaults={"last_digest_at": now})
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": recipient, "items": items, "site_url": settings.SITE_URL}
        subject = _("[SupportDesk] %(count)d unread notifications") % {"count": len(items)}
        body = render_to_string("notifications/email/digest.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email], fail_silently=False)
    return 1
