"""Reads that need more than a QuerySet method. Visibility always comes from
Ticket.objects.visible_to: a record the user may not see is simply not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.http import Http404
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import get_language, ngettext

from tickets.followups.models import FollowUpSent, FollowUpStep
from tickets.models import (
    OPEN_STATUSES,
    Attachment,
    Customer,
    CustomerEmail,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
    team_ids_of,
)
from tickets.sla.selectors import expected_first_reply_text


def customer_for_user(*, user) -> Customer | None:
    """The customer a login belongs to: the only way to find it.

    None for anonymous visitors, for staff (they work in the admin and are never
    customers) and for logins not linked to a customer record yet.
    """
    if user is None or not user.is_authenticated or user.is_staff:
        return None
    return Customer.objects.filter(user=user).first()


def ticket_for_user(*, user, pk: int) -> Ticket:
    """The ticket if `user` may see it, else Http404 (never 403: existence is not disclosed)."""
    try:
        # The customer's user and the SLA calendar: the portal page states the first-reply time in their zone.
        return (
            Ticket.objects.visible_to(user)
            .for_list()
            .select_related("customer__user", "sla_policy__calendar")
            .get(pk=pk)
        )
    except (Ticket.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such ticket.") from error


def ticket_for_customer_page(*, user, customer: Customer, pk: int) -> Ticket:
    """The portal's request page: ticket_for_user's ticket with only what the page shows joined in.

    `customer` is the signed-in customer (the portal's customer_required looked it up); visible_to(user)
    finds only their tickets (Customer.user is one-to-one), so the ticket's customer and its user are those
    objects rather than a second copy joined into the ticket's row. The category labels the request and the
    SLA calendar states the first-reply time.
    """
    try:
        ticket = Ticket.objects.visible_to(user).select_related("category", "sla_policy__calendar").get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such ticket.") from error
    customer.user = user
    ticket.customer = customer
    return ticket


def attachment_for_user(*, user, pk: int) -> Attachment:
    """An attachment on a ticket the user may see; customers never get internal-note files."""
    visible_tickets = Ticket.objects.visible_to(user).values("id")
    attachments = Attachment.objects.select_related("message").filter(message__ticket_id__in=visible_tickets)
    if not user.is_staff:
        attachments = attachments.filter(message__is_internal=False)
    try:
        return attachments.get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such attachment.") from error


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    message: TicketMessage | None = None
    event: TicketEvent | None = None


def _timeline_key(entry: TimelineEntry) -> tuple:
    # Stable: a reply and the event it caused share a timestamp; the message goes first.
    return (entry.at, entry.message is None)


def ticket_timeline(*, ticket: Ticket, include_internal: bool) -> list[TimelineEntry]:
    """Messages and events of one ticket in time order, in two queries plus one for attachments."""
    messages = TicketMessage.objects.filter(ticket=ticket).for_timeline()
    if not include_internal:
        messages = messages.public()
    entries = [TimelineEntry(at=message.created_at, message=message) for message in messages]
    if include_internal:
        entries += [TimelineEntry(at=event.created_at, event=event) for event in ticket.events.for_timeline()]
    return sorted(entries, key=_timeline_key)


@dataclass(frozen=True)
class RecentTimeline:
    entries: list[TimelineEntry]
    has_older: bool


def ticket_timeline_recent(*, ticket: Ticket, include_internal: bool, limit: int) -> RecentTimeline:
    """The newest `limit` timeline entries, oldest first, in the same queries as ticket_timeline.

    A ticket with hundreds of messages would otherwise render them all on every
    page view. The newest `limit` entries overall are among the newest `limit`
    of each kind, so each query fetches limit + 1 rows (the extra one tells
    whether older entries exist).
    """
    messages = TicketMessage.objects.filter(ticket=ticket).for_timeline()
    if not include_internal:
        messages = messages.public()
    newest_messages = messages.order_by("-created_at", "-id")[: limit + 1]
    entries = [TimelineEntry(at=message.created_at, message=message) for message in newest_messages]
    if include_internal:
        newest_events = ticket.events.for_timeline().order_by("-created_at", "-id")[: limit + 1]
        entries += [TimelineEntry(at=event.created_at, event=event) for event in newest_events]
    entries.sort(key=_timeline_key)
    return RecentTimeline(entries=entries[-limit:], has_older=len(entries) > limit)


@dataclass(frozen=True)
class QueueCounts:
    by_status: dict[str, int]
    by_priority: dict[str, int]
    mine_open: int
    unassigned_in_my_teams: int


def queue_counts(*, user) -> QueueCounts:
    """Dashboard figures for what `user` may see: one aggregate query for the open queue."""
    visible_open = Ticket.objects.visible_to(user).filter(status__in=OPEN_STATUSES)
    aggregates = {
        **{f"status_{value}": Count("id", filter=Q(status=value)) for value in OPEN_STATUSES},
        **{f"priority_{value}": Count("id", filter=Q(priority=value)) for value in Priority.values},
        "mine_open": Count("id", filter=Q(assignee=user)),
        "unassigned_in_my_teams": Count("id", filter=Q(assignee__isnull=True, team_id__in=team_ids_of(user))),
    }
    row = visible_open.order_by().aggregate(**aggregates)
    return QueueCounts(
        by_status={Status(value).label: row[f"status_{value}"] for value in OPEN_STATUSES},
        by_priority={Priority(value).label: row[f"priority_{value}"] for value in Priority.values},
        mine_open=row["mine_open"],
        unassigned_in_my_teams=row["unassigned_in_my_teams"],
    )


def tickets_assigned_open(*, user, limit: int = 10) -> list[Ticket]:
    return list(Ticket.objects.visible_to(user).open().assigned_to(user).for_list().order_by("-updated_at")[:limit])


def tickets_unassigned_in_teams(*, user, limit: int = 10) -> list[Ticket]:
    return list(Ticket.objects.open().unassigned_in_teams_of(user).for_list().order_by("created_at")[:limit])


def tickets_newest(*, user, limit: int = 10) -> list[Ticket]:
    return list(Ticket.objects.visible_to(user).for_list().order_by("-created_at", "-id")[:limit])


# Portal --------------------------------------------------------------------

PORTAL_CLOSED_STATUSES = (Status.SOLVED, Status.CLOSED)


def portal_tickets(*, user, state: str = "") -> QuerySet[Ticket]:
    """The customer's own requests, most recently active first; `state` is "open", "closed" or all."""
    tickets = Ticket.objects.visible_to(user).select_related("category").order_by("-updated_at", "-id")
    if state == "open":
        return tickets.filter(status__in=OPEN_STATUSES)
    if state == "closed":
        return tickets.filter(status__in=PORTAL_CLOSED_STATUSES)
    return tickets


def portal_open_ticket_count(*, user) -> int:
    return Ticket.objects.visible_to(user).filter(status__in=OPEN_STATUSES).count()


def customer_can_reopen(*, ticket: Ticket, now: datetime | None = None) -> bool:
    """A solved request may be reopened by its customer for PORTAL_REOPEN_WINDOW_DAYS after the solution."""
    if ticket.status != Status.SOLVED or ticket.resolved_at is None:
        return False
    window = timedelta(days=settings.PORTAL_REOPEN_WINDOW_DAYS)
    return (now or timezone.now()) <= ticket.resolved_at + window


def _closed_for_no_reply(ticket_ref) -> Exists:
    """The ticket's latest close was the follow-up sweep's (the customer did not answer): its row in the ledger
    carries the same moment as the ticket's closed_at."""
    return Exists(
        FollowUpSent.objects.filter(ticket_id=ticket_ref, step=FollowUpStep.AUTO_CLOSE, sent_at=OuterRef("closed_at"))
    )


def reopens_on_reply(*, ticket: Ticket, now: datetime | None = None) -> bool:
    """A ticket the desk closed because the customer did not answer reopens on their reply, within the window."""
    if ticket.status != Status.CLOSED or ticket.closed_at is None:
        return False
    if (now or timezone.now()) > ticket.closed_at + timedelta(days=settings.PORTAL_REOPEN_WINDOW_DAYS):
        return False
    return FollowUpSent.objects.filter(
        ticket_id=ticket.pk, step=FollowUpStep.AUTO_CLOSE, sent_at=ticket.closed_at
    ).exists()


def customer_can_reply(*, ticket: Ticket, now: datetime | None = None) -> bool:
    """The customer may write on an open request, and on a solved one within the reopen window (it reopens).

    The one rule of every channel: tickets.services.ticket_customer_reply refuses the rest,
    the portal hides its reply box, and email opens a new request instead. A closed request is
    final, unless the desk closed it for want of an answer (reopens_on_reply).
    """
    if ticket.status == Status.CLOSED:
        return reopens_on_reply(ticket=ticket, now=now)
    return ticket.status != Status.SOLVED or customer_can_reopen(ticket=ticket, now=now)


def tickets_customer_can_reply(*, user, now: datetime | None = None) -> QuerySet[Ticket]:
    """The user's requests customer_can_reply allows, as a query: open ones, solved ones inside the window and
    ones closed for no reply inside it."""
    window_start = (now or timezone.now()) - timedelta(days=settings.PORTAL_REOPEN_WINDOW_DAYS)
    return Ticket.objects.visible_to(user).filter(
        Q(status__in=OPEN_STATUSES)
        | Q(status=Status.SOLVED, resolved_at__gte=window_start)
        | Q(_closed_for_no_reply(OuterRef("pk")), status=Status.CLOSED, closed_at__gte=window_start)
    )


def first_reply_promise(*, ticket: Ticket | None = None) -> str:
    """What the customer is told about the first reply; every page and mail that states it calls this.

    The due time of the ticket's SLA first-response clock, in the customer's zone
    and the language being rendered (the page's, or the mail's), when one runs;
    otherwise the general promise.
    """
    promise = expected_first_reply_text(ticket, language=get_language()) if ticket is not None else ""
    hours = settings.SUPPORT_EMAIL_EXPECTED_REPLY_HOURS
    return promise or ngettext(
        "We usually reply within %(hours)d hour.", "We usually reply within %(hours)d hours.", hours
    ) % {"hours": hours}


_REFERENCE = re.compile(r"^\s*(?:SD-?)?0*(\d{1,12})\s*$", re.IGNORECASE)
# A transaction hash or address (hex, 0x-hex or base58): never a word someone would search for.
_TX_HASH = re.compile(r"^\s*((?:0x)?[0-9a-f]{32,}|[1-9A-HJ-NP-Za-km-z]{32,})\s*$", re.IGNORECASE)
# Up to this many customers matching a word are passed to the ticket query as a literal id list.
_INLINE_CUSTOMER_IDS = 500


def search_tickets(queryset: QuerySet, *, term: str) -> QuerySet:
    """Filter tickets by what an agent typed: a reference, a transaction hash, an email, or words.

    Each shape is answered by an index instead of an OR over every field across a
    join, which PostgreSQL can only evaluate with a scan of every ticket: a
    reference is the primary key, a hash the tx_hash index, an email the
    customers' (trigram) email indexes and then tickets.customer_id. Words must
    each match the subject, the customer's name or the customer's email.
    """
    term = term.strip()
    if not term:
        return queryset
    reference = _REFERENCE.match(term)
    if reference:
        return queryset.filter(pk=int(reference.group(1)))
    if _TX_HASH.match(term):
        return queryset.filter(tx_hash=term)
    if "@" in term and " " not in term:
        customers = (
            Customer.objects.filter(email__icontains=term)
            .order_by()
            .values_list("id", flat=True)
            .union(CustomerEmail.objects.filter(email__icontains=term).order_by().values_list("customer_id", flat=True))
        )
        return queryset.filter(_customer_in(customers))
    for word in smart_split(term):
        if word[0] in "\"'" and word[-1] == word[0]:
            word = unescape_string_literal(word)
        queryset = queryset.filter(_ticket_word_match(word))
    return queryset


def _ticket_word_match(word: str) -> Q:
    """subject, customer name or customer email contains `word`, as conditions on the ticket table alone."""
    customers = Customer.objects.filter(Q(name__icontains=word) | Q(email__icontains=word))
    return _subject_contains(word) | _customer_in(customers.order_by().values_list("id", flat=True))


_SUBJECT_FTS5_MATCH = "SELECT rowid FROM tickets_ticket_subject_fts WHERE tickets_ticket_subject_fts MATCH %s"
# Up to this many FTS5 matches are passed to the ticket query as a literal id list (SQLite).
_INLINE_SUBJECT_MATCHES = 500


def _subject_contains(word: str) -> Q:
    """The subject contains `word` (any case).

    PostgreSQL's pg_trgm index answers ILIKE. On SQLite the FTS5 trigram index (tickets_ticket_subject_fts,
    migration 0031, kept in step by triggers) answers words of three or more characters; shorter ones cannot
    use it and scan. Its matches are looked up once: a few hundred go to the ticket query as a literal id
    list (SQLite then fetches just those rows and sorts them); more than that, and the changelist walks its
    ordering index instead, testing each ticket against the match set (_IdOutsideIndexes: SQLite would
    otherwise join and sort every match before taking the first page), while the changelist's count, which
    has no ordering, still reads just the matches.
    """
    if connection.vendor != "sqlite" or len(word) < 3:
        return Q(subject__icontains=word)
    # One quoted FTS5 string: the trigram tokenizer matches it as a substring, and nothing the agent typed is
    # FTS5 syntax (a double quote inside is doubled). Constant SQL; the word is only ever the parameter.
    phrase = '"' + word.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        cursor.execute(f"{_SUBJECT_FTS5_MATCH} LIMIT {_INLINE_SUBJECT_MATCHES + 1}", (phrase,))
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= _INLINE_SUBJECT_MATCHES:
        return Q(pk__in=ids)
    return Q(In(_IdOutsideIndexes(F("pk")), RawSQL(_SUBJECT_FTS5_MATCH, (phrase,))))  # noqa: S611


class _IdOutsideIndexes(Func):
    """The primary key, written `+id` in an ordered query: SQLite's unary plus keeps the term from choosing the
    index, so an ORDER BY ... LIMIT walks its ordering index and stops at the first page. An unordered query
    (a count) gets the plain column and is driven by the IN list."""

    def as_sql(self, compiler, connection, **extra_context):
        if compiler.query.order_by:
            extra_context["template"] = "+%(expressions)s"
        else:
            extra_context["template"] = "%(expressions)s"
        return super().as_sql(compiler, connection, **extra_context)


def _customer_in(customer_ids: QuerySet) -> Q:
    """tickets.customer_id in `customer_ids` (a flat values_list queryset).

    The customers are looked up once and passed as a literal id list: the
    changelist runs its query twice (bounded count, page), and a literal list
    lets PostgreSQL use the customer_id index, or combine it with the subject
    trigram index (BitmapOr), where a subquery would force a scan.
    """
    ids = list(customer_ids[: _INLINE_CUSTOMER_IDS + 1])
    if len(ids) > _INLINE_CUSTOMER_IDS:
        # Shared by that many customers, the term matches everywhere: the newest tickets fill a page quickly.
        return Q(customer_id__in=customer_ids)
    return Q(customer_id__in=ids)
