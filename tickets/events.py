"""The ticket timeline: every TicketEvent is built here, one builder per EventKind, and nowhere else.

A builder knows what its kind keeps in the three text columns (e.g. a status
change: before/after = the status codes; an SLA breach: before = the clock,
after = its new state), so callers hand over values, never a payload. The
columns hold at most 255 characters; longer values are cut here.

`build_<kind>(...)` returns an unsaved event for the bulk paths (the SLA sweep,
customer merges, the complaint follow-up sweep, demo data), which pass them to
`record_many`. `<kind>(...)` builds and saves one event in the caller's
transaction; it exists for the kinds written one at a time. `ticket` is a
Ticket or its primary key (set-based callers only have ids); `at` backdates
the event (default: now).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import ParamSpec

from tickets.models import ClockState, EventKind, Ticket, TicketEvent, TicketMessage

TEXT_LIMIT = 255

P = ParamSpec("P")


def _new(
    kind: str,
    ticket: Ticket | int,
    actor,
    *,
    before: str = "",
    after: str = "",
    note: str = "",
    at: datetime | None = None,
) -> TicketEvent:
    target = {"ticket": ticket} if isinstance(ticket, Ticket) else {"ticket_id": ticket}
    moment = {"created_at": at} if at is not None else {}
    return TicketEvent(
        **target,
        **moment,
        kind=kind,
        actor=actor,
        before=str(before)[:TEXT_LIMIT],
        after=str(after)[:TEXT_LIMIT],
        note=str(note)[:TEXT_LIMIT],
    )


def _saving(build: Callable[P, TicketEvent]) -> Callable[P, TicketEvent]:
    """The saving variant of a builder: same arguments, the event is inserted at once."""

    @functools.wraps(build)
    def save(*args: P.args, **kwargs: P.kwargs) -> TicketEvent:
        event = build(*args, **kwargs)
        event.save(force_insert=True)
        return event

    save.__name__ = save.__qualname__ = build.__name__.removeprefix("build_")
    return save


def record_many(events: Iterable[TicketEvent], *, batch_size: int | None = None) -> list[TicketEvent]:
    """Insert events made by the build_* builders in one bulk INSERT (batched when `batch_size` is given)."""
    return TicketEvent.objects.bulk_create(events, batch_size=batch_size)


# Life of a ticket -----------------------------------------------------------


def build_created(
    *, ticket: Ticket | int, actor, channel: str, note: str = "", at: datetime | None = None
) -> TicketEvent:
    """A ticket was opened through `channel`; the note says how it was routed."""
    return _new(EventKind.CREATED, ticket, actor, after=channel, note=note, at=at)


def build_status_changed(
    *, ticket: Ticket | int, actor, before: str, after: str, note: str = "", at: datetime | None = None
) -> TicketEvent:
    return _new(EventKind.STATUS, ticket, actor, before=before, after=after, note=note, at=at)


def build_assignment_changed(
    *, ticket: Ticket | int, actor, before: str = "", after: str = "", note: str = "", at: datetime | None = None
) -> TicketEvent:
    """Usernames before and after (empty: unassigned); an automatic assignment has no actor and says why."""
    return _new(EventKind.ASSIGNMENT, ticket, actor, before=before, after=after, note=note, at=at)


def build_team_changed(*, ticket: Ticket | int, actor, before: str, after: str, note: str = "") -> TicketEvent:
    """Team names before and after (empty: no team)."""
    return _new(EventKind.TEAM, ticket, actor, before=before, after=after, note=note)


def build_priority_changed(*, ticket: Ticket | int, actor, before: str, after: str, note: str = "") -> TicketEvent:
    return _new(EventKind.PRIORITY, ticket, actor, before=before, after=after, note=note)


def build_category_changed(*, ticket: Ticket | int, actor, before: str, after: str, note: str = "") -> TicketEvent:
    """Category names before and after (empty: none)."""
    return _new(EventKind.CATEGORY, ticket, actor, before=before, after=after, note=note)


def build_language_changed(*, ticket: Ticket | int, actor, before: str, after: str, note: str = "") -> TicketEvent:
    """Language codes before and after."""
    return _new(EventKind.LANGUAGE, ticket, actor, before=before, after=after, note=note)


def build_tier_changed(*, ticket: Ticket | int, actor, before: str, after: str, note: str = "") -> TicketEvent:
    """Tier codes before and after; the note is the reason."""
    return _new(EventKind.TIER, ticket, actor, before=before, after=after, note=note)


def build_tags_changed(*, ticket: Ticket | int, actor, before: Iterable[str], after: Iterable[str]) -> TicketEvent:
    """Tag names before and after, each list comma-separated in the order given."""
    return _new(EventKind.TAGS, ticket, actor, before=", ".join(before), after=", ".join(after))


def build_merged(
    *, ticket: Ticket | int, actor, source_reference: str, target_reference: str, note: str
) -> TicketEvent:
    """On both tickets of a merge: before = the duplicate's reference, after = the kept ticket's."""
    return _new(EventKind.MERGE, ticket, actor, before=source_reference, after=target_reference, note=note)


# Messages -------------------------------------------------------------------


def build_reply_sent(*, ticket: Ticket | int, actor, at: datetime | None = None) -> TicketEvent:
    """A public agent reply (the message itself is on the ticket)."""
    return _new(EventKind.REPLY, ticket, actor, at=at)


def build_note_added(*, ticket: Ticket | int, actor) -> TicketEvent:
    """An internal note, by an agent or (actor None) by the system."""
    return _new(EventKind.NOTE, ticket, actor)


def build_customer_message_added(*, ticket: Ticket | int, actor) -> TicketEvent:
    """The customer wrote; `actor` is their portal user, None for channels without a login."""
    return _new(EventKind.CUSTOMER_MESSAGE, ticket, actor)


def build_customer_merged(
    *, ticket: Ticket | int, actor, duplicate_email: str, primary_email: str, note: str = ""
) -> TicketEvent:
    """The ticket moved to another customer when two customers were merged (or back, when a merge was undone)."""
    return _new(EventKind.CUSTOMER_MERGE, ticket, actor, before=duplicate_email, after=primary_email, note=note)


def build_customer_linked(*, ticket: Ticket | int, actor, login: str, note: str) -> TicketEvent:
    """A portal login was linked to the ticket's customer (the note says how the customer proved it)."""
    return _new(EventKind.CUSTOMER_LINK, ticket, actor, after=login, note=note)


# Wallet safety --------------------------------------------------------------


def build_secret_exposed(*, ticket: Ticket | int, actor, kinds: str, note: str) -> TicketEvent:
    """A secret was removed: `kinds` names them (labels), the note says where from."""
    return _new(EventKind.SECRET_EXPOSED, ticket, actor, after=kinds, note=note)


def build_secret_suspected(*, ticket: Ticket | int, actor, kinds: str, note: str) -> TicketEvent:
    """Something that may be a secret was kept: `kinds` names it (labels), the note says where."""
    return _new(EventKind.SECRET_SUSPECTED, ticket, actor, after=kinds, note=note)


def build_reply_blocked(*, ticket: Ticket | int, actor, secrets: str, note: str) -> TicketEvent:
    """An agent reply was refused because it asked for `secrets` (comma-separated)."""
    return _new(EventKind.REPLY_BLOCKED, ticket, actor, after=secrets, note=note)


def build_verification_changed(*, ticket: Ticket | int, actor, status: str, note: str = "") -> TicketEvent:
    """An identity verification reached `status` (pending, verified, expired, locked)."""
    return _new(EventKind.VERIFICATION, ticket, actor, after=status, note=note)


def build_customer_warned(*, ticket: Ticket | int, warning: TicketMessage, note: str) -> TicketEvent:
    """The system warned the customer about an exposed secret; after = the warning message's id."""
    return _new(EventKind.CUSTOMER_WARNED, ticket, None, after=str(warning.pk), note=note)


def build_exposure_step_done(*, ticket: Ticket | int, actor, step: str) -> TicketEvent:
    """An agent ticked a step of the exposure checklist; after = the ExposureStep code."""
    return _new(EventKind.EXPOSURE_STEP, ticket, actor, after=step)


# Complaints -----------------------------------------------------------------


def build_complaint_opened(*, ticket: Ticket | int, actor, subject: str, note: str = "") -> TicketEvent:
    """The ticket became a complaint about `subject` (a ComplaintSubject code); the note is the reason."""
    return _new(EventKind.COMPLAINT, ticket, actor, after=subject, note=note)


def build_complaint_stage_changed(
    *, ticket: Ticket | int, actor, before: str, after: str, note: str = "", at: datetime | None = None
) -> TicketEvent:
    """Stage codes before and after; the complaint's stage history is read back from these events."""
    return _new(EventKind.COMPLAINT_STAGE, ticket, actor, before=before, after=after, note=note, at=at)


def build_complaint_updated(
    *, ticket: Ticket | int, actor, field: str, before: str = "", after: str = ""
) -> TicketEvent:
    """A complaint detail changed: the note names the field; free-text fields leave before/after empty."""
    return _new(EventKind.COMPLAINT_UPDATE, ticket, actor, before=before, after=after, note=field)


def build_remedy_changed(*, ticket: Ticket | int, actor, after: str, note: str, before: str = "") -> TicketEvent:
    """A remedy was proposed, decided or paid: RemedyStatus codes before and after."""
    return _new(EventKind.REMEDY, ticket, actor, before=before, after=after, note=note)


def build_complaint_followed_up(*, ticket: Ticket | int, step: str, note: str, at: datetime) -> TicketEvent:
    """The follow-up sweep acted on an unanswered resolution (`step`, e.g. "reminder")."""
    return _new(EventKind.COMPLAINT_FOLLOW_UP, ticket, None, after=step, note=note, at=at)


# Progress updates and reminders (tickets.followups) -------------------------


def build_progress_update_sent(*, ticket: Ticket | int, step: str, at: datetime) -> TicketEvent:
    """The sweep told the customer where their case stands (the message is on the ticket); after = the step told
    (a complaint stage, or tier/status)."""
    return _new(EventKind.PROGRESS_UPDATE, ticket, None, after=step, at=at)


def build_reminder_sent(*, ticket: Ticket | int, step: str, at: datetime) -> TicketEvent:
    """The sweep reminded a customer we wait for; after = the step (reminder_1, reminder_2)."""
    return _new(EventKind.REMINDER, ticket, None, after=step, at=at)


def build_auto_closed(*, ticket: Ticket | int, note: str, at: datetime) -> TicketEvent:
    """The sweep closed a ticket the customer did not answer (the status event and closing message come with it)."""
    return _new(EventKind.AUTO_CLOSED, ticket, None, note=note, at=at)


# SLA ------------------------------------------------------------------------


def build_sla_warned(*, ticket: Ticket | int, clock: str, at: datetime) -> TicketEvent:
    """The sweep found `clock` (an SLAClock code) past its warning time."""
    return _new(EventKind.SLA_WARNING, ticket, None, before=clock, after=ClockState.WARNING, at=at)


def build_sla_breached(*, ticket: Ticket | int, clock: str, at: datetime) -> TicketEvent:
    """The sweep found `clock` (an SLAClock code) past its due time."""
    return _new(EventKind.SLA_BREACH, ticket, None, before=clock, after=ClockState.BREACHED, at=at)


# On-chain lookup -------------------------------------------------------------


def build_chain_status_changed(
    *, ticket: Ticket | int, before: str, after: str, note: str = "", at: datetime | None = None
) -> TicketEvent:
    """A lookup found the transaction's on-chain status changed: TxStatus codes before ("" at the first answer)
    and after; the note says confirmations and the like."""
    return _new(EventKind.CHAIN_STATUS, ticket, None, before=before, after=after, note=note, at=at)


# The kinds written one event at a time, saved in the caller's transaction.
created = _saving(build_created)
status_changed = _saving(build_status_changed)
assignment_changed = _saving(build_assignment_changed)
team_changed = _saving(build_team_changed)
priority_changed = _saving(build_priority_changed)
category_changed = _saving(build_category_changed)
language_changed = _saving(build_language_changed)
tier_changed = _saving(build_tier_changed)
tags_changed = _saving(build_tags_changed)
merged = _saving(build_merged)
reply_sent = _saving(build_reply_sent)
note_added = _saving(build_note_added)
customer_message_added = _saving(build_customer_message_added)
secret_exposed = _saving(build_secret_exposed)
secret_suspected = _saving(build_secret_suspected)
reply_blocked = _saving(build_reply_blocked)
verification_changed = _saving(build_verification_changed)
customer_linked = _saving(build_customer_linked)
customer_warned = _saving(build_customer_warned)
exposure_step_done = _saving(build_exposure_step_done)
chain_status_changed = _saving(build_chain_status_changed)
complaint_opened = _saving(build_complaint_opened)
complaint_stage_changed = _saving(build_complaint_stage_changed)
complaint_updated = _saving(build_complaint_updated)
remedy_changed = _saving(build_remedy_changed)
