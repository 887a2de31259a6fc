"""SLA clocks of one ticket: start, pause, resume and fulfil.

Called by tickets.services on a ticket it has already locked, inside its
transaction; each hook saves the SLA columns it changed (the reply or status
event that caused the change is already on the timeline). Breaches and
warnings are found by the sweep (tickets.sla.services.sweep), which only compares
these columns with the time.

The contract:
- ticket created → first response and resolution clocks start (policy by
  priority, category, channel, VIP);
- first public agent reply → first response fulfilled; later public replies
  fulfil the next-response clock;
- customer message (once the first response is done) → next-response clock
  starts unless one is already running;
- pending customer / on hold / solved → running clocks pause, except one
  already past due: that one is breached then (the breach is recorded, a pause
  never turns a late clock into an on-time one); back to open → a paused clock
  is due once the business time it had left at the pause has run again from
  the resume (zero left: due at once, or at the next opening when closed);
- solved → resolution fulfilled (reopening resumes it with the solved time
  excluded); closed → every clock still owed stops;
- priority or category changed → the policy is chosen again; clocks still
  running keep the business time already spent and get the new policy's
  targets (fulfilled and breached clocks are history and stay as they are).

"Met" means at or before the due instant (tickets.sla.deadline), here and in the sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import prefetch_related_objects

from tickets.models import ClockState, EventKind, SLAClock, Status, Ticket
from tickets.sla.calendar import Calendar, add_business_time, business_time_between, resumed_due
from tickets.sla.deadline import is_met
from tickets.sla.models import SLAPolicy
from tickets.sla.services import breaches

RUNNING = (ClockState.ON_TRACK, ClockState.WARNING)
PAUSING_STATUSES = (Status.PENDING_CUSTOMER, Status.ON_HOLD, Status.SOLVED)
RESPONSE_CLOCKS = (SLAClock.FIRST_RESPONSE, SLAClock.NEXT_RESPONSE)
SLA_FIELDS = [
    "sla_policy",
    "sla_paused_at",
    "sla_paused_seconds",
    *(f"{clock}_{part}" for clock in SLAClock.values for part in ("due", "warn_at", "state", "seconds")),
]


def match_policy(*, priority: str, category_id: int | None, channel: str, is_vip: bool) -> SLAPolicy | None:
    # With its calendar: a new ticket's clocks start on it without reading the policy again (intake path).
    for policy in SLAPolicy.objects.for_matching().select_related("calendar"):
        if policy.matches(priority=priority, category_id=category_id, channel=channel, is_vip=is_vip):
            return policy
    return None


def _policy(ticket: Ticket) -> SLAPolicy | None:
    if ticket.sla_policy_id is None:
        return None
    return (
        SLAPolicy.objects.select_related("calendar")
        .prefetch_related("calendar__hours", "calendar__holidays")
        .get(pk=ticket.sla_policy_id)
    )


def is_owed(ticket: Ticket, clock: str) -> bool:
    """The clock runs, is paused, or breached and still unanswered."""
    state = getattr(ticket, f"{clock}_state")
    return state in (*RUNNING, ClockState.PAUSED) or (
        state == ClockState.BREACHED and getattr(ticket, f"{clock}_seconds") is None
    )


def _start(ticket: Ticket, clock: str, policy: SLAPolicy, calendar: Calendar, at: datetime) -> None:
    target = policy.target(clock)
    if target is None:
        return
    setattr(ticket, f"{clock}_due", add_business_time(at, target, calendar))
    setattr(ticket, f"{clock}_warn_at", add_business_time(at, target - policy.warning_lead(target), calendar))
    setattr(ticket, f"{clock}_state", ClockState.ON_TRACK)
    setattr(ticket, f"{clock}_seconds", None)


def _fulfil(ticket: Ticket, clock: str, policy: SLAPolicy, calendar: Calendar, at: datetime) -> None:
    """Record the achieved business time; a clock answered after its due date stays breached.

    No event of its own: the reply or status event that fulfils the clock is on the timeline.
    """
    due = getattr(ticket, f"{clock}_due")
    stopped_at = ticket.sla_paused_at if getattr(ticket, f"{clock}_state") == ClockState.PAUSED else at
    achieved = policy.target(clock) - business_time_between(stopped_at, due, calendar)
    setattr(ticket, f"{clock}_seconds", int(achieved.total_seconds()))
    met = is_met(at=stopped_at, due=due)
    setattr(ticket, f"{clock}_state", ClockState.FULFILLED if met else ClockState.BREACHED)


def _save(ticket: Ticket) -> None:
    ticket.save(update_fields=SLA_FIELDS)


def ticket_created(*, ticket: Ticket) -> None:
    """Choose the policy and start the first-response and resolution clocks at the creation time."""
    policy = match_policy(
        priority=ticket.priority,
        category_id=ticket.category_id,
        channel=ticket.channel,
        is_vip=ticket.customer.is_vip,
    )
    if policy is None:
        return
    ticket.sla_policy = policy
    prefetch_related_objects([policy], "calendar__hours", "calendar__holidays")
    calendar = policy.calendar.to_calendar()
    for clock in (SLAClock.FIRST_RESPONSE, SLAClock.RESOLUTION):
        _start(ticket, clock, policy, calendar, ticket.created_at)
    _save(ticket)


def agent_replied(*, ticket: Ticket, at: datetime) -> None:
    """A public agent reply answers the first response, or else the pending next response."""
    owed = [clock for clock in RESPONSE_CLOCKS if is_owed(ticket, clock)]
    policy = _policy(ticket) if owed else None
    if policy is None:
        return
    calendar = policy.calendar.to_calendar()
    for clock in owed:
        _fulfil(ticket, clock, policy, calendar, at)
    _save(ticket)


def customer_wrote(*, ticket: Ticket, at: datetime) -> None:
    """Start the next-response clock, unless an answer is already owed."""
    if any(is_owed(ticket, clock) for clock in RESPONSE_CLOCKS) or ticket.status in PAUSING_STATUSES:
        return
    policy = _policy(ticket)
    if policy is None or policy.target(SLAClock.NEXT_RESPONSE) is None:
        return
    _start(ticket, SLAClock.NEXT_RESPONSE, policy, policy.calendar.to_calendar(), at)
    _save(ticket)


def status_changed(*, ticket: Ticket, old_status: str, new_status: str, at: datetime) -> None:
    """Pause, resume, fulfil or stop clocks for a status move (ticket already saved with the new status)."""
    policy = _policy(ticket)
    if policy is None:
        return
    calendar = policy.calendar.to_calendar()
    if old_status in PAUSING_STATUSES and ticket.sla_paused_at is not None:
        _resume(ticket, calendar, at, reopen_resolution=old_status == Status.SOLVED and new_status != Status.CLOSED)
    if new_status in (Status.SOLVED, Status.CLOSED) and is_owed(ticket, SLAClock.RESOLUTION):
        _fulfil(ticket, SLAClock.RESOLUTION, policy, calendar, at)
    if new_status == Status.CLOSED:
        for clock in RESPONSE_CLOCKS:
            if is_owed(ticket, clock):
                # Closed without an answer (spam, merged): nothing is owed any more.
                setattr(ticket, f"{clock}_state", "")
    elif new_status in PAUSING_STATUSES:
        _pause(ticket, at)
    _save(ticket)


def policy_inputs_changed(*, ticket: Ticket, at: datetime) -> tuple[str, str] | None:
    """Choose the policy again after a priority or category change; returns (old, new) policy names if it changed.

    A clock still running or paused keeps the business time already spent on it and is
    due when the new target is used up (at once, for the sweep to record, if it already
    is; a paused clock whose new target is already used up is breached then). When no
    policy matches any more the old one stays: a promise made is kept.
    """
    policy = match_policy(
        priority=ticket.priority, category_id=ticket.category_id, channel=ticket.channel, is_vip=ticket.customer.is_vip
    )
    if policy is None or policy.pk == ticket.sla_policy_id:
        return None
    old = _policy(ticket)
    ticket.sla_policy = policy
    new = _policy(ticket)
    calendar = new.calendar.to_calendar()
    if old is None:
        _start_late(ticket, new, calendar, at)
    else:
        _retarget(ticket, old, new, calendar, at)
    _save(ticket)
    return (old.name if old else "", new.name)


def _retarget(ticket: Ticket, old: SLAPolicy, new: SLAPolicy, calendar: Calendar, at: datetime) -> None:
    old_calendar = old.calendar.to_calendar()
    # A paused clock stopped at the pause; resuming later moves its due date by the pause as usual.
    since = ticket.sla_paused_at or at
    for clock in SLAClock.values:
        state = getattr(ticket, f"{clock}_state")
        if state not in (*RUNNING, ClockState.PAUSED):
            continue
        target, old_target = new.target(clock), old.target(clock)
        if target is None or old_target is None:
            for part, empty in (("due", None), ("warn_at", None), ("state", ""), ("seconds", None)):
                setattr(ticket, f"{clock}_{part}", empty)
            continue
        spent = old_target - business_time_between(since, getattr(ticket, f"{clock}_due"), old_calendar)
        setattr(ticket, f"{clock}_due", _after(since, target - spent, calendar))
        warn_at = _after(since, target - new.warning_lead(target) - spent, calendar)
        setattr(ticket, f"{clock}_warn_at", warn_at)
        if state != ClockState.PAUSED:
            setattr(ticket, f"{clock}_state", ClockState.WARNING if warn_at <= at else ClockState.ON_TRACK)
        elif spent > target:
            # Paused with the new target already used up: late now, and a resume must not move that.
            _breach(ticket, clock, at)


def _after(since: datetime, remaining: timedelta, calendar: Calendar) -> datetime:
    """When `remaining` business time has run from `since`; a negative remaining (overrun) is due at once."""
    return since if remaining < timedelta(0) else add_business_time(since, remaining, calendar)


def _breach(ticket: Ticket, clock: str, at: datetime) -> None:
    setattr(ticket, f"{clock}_state", ClockState.BREACHED)
    breaches.record(kind=EventKind.SLA_BREACH, clock=clock, ticket_ids=[ticket.pk], at=at)


def _start_late(ticket: Ticket, policy: SLAPolicy, calendar: Calendar, at: datetime) -> None:
    """A ticket that had no policy gets one: the clocks it still owes run from its creation, as if matched then."""
    owed = []
    if ticket.first_response_at is None:
        owed.append(SLAClock.FIRST_RESPONSE)
    if ticket.status not in (Status.SOLVED, Status.CLOSED):
        owed.append(SLAClock.RESOLUTION)
    for clock in owed:
        _start(ticket, clock, policy, calendar, ticket.created_at)
        if getattr(ticket, f"{clock}_warn_at") <= at:
            setattr(ticket, f"{clock}_state", ClockState.WARNING)
    if ticket.status in PAUSING_STATUSES:
        _pause(ticket, at)


def _pause(ticket: Ticket, at: datetime) -> None:
    ticket.sla_paused_at = at
    for clock in SLAClock.values:
        if getattr(ticket, f"{clock}_state") not in RUNNING:
            continue
        if is_met(at=at, due=getattr(ticket, f"{clock}_due")):
            setattr(ticket, f"{clock}_state", ClockState.PAUSED)
        else:
            # Late before the sweep saw it: record the breach now instead of freezing a late clock.
            _breach(ticket, clock, at)


def _resume(ticket: Ticket, calendar: Calendar, at: datetime, *, reopen_resolution: bool) -> None:
    paused_at = ticket.sla_paused_at
    paused = business_time_between(paused_at, at, calendar)
    ticket.sla_paused_at = None
    ticket.sla_paused_seconds += int(paused.total_seconds())
    for clock in SLAClock.values:
        state = getattr(ticket, f"{clock}_state")
        resumes = state == ClockState.PAUSED or (
            reopen_resolution and clock == SLAClock.RESOLUTION and state in (ClockState.FULFILLED, ClockState.BREACHED)
        )
        if not resumes:
            continue
        setattr(ticket, f"{clock}_seconds", None)
        if state == ClockState.BREACHED:
            continue  # reopened after a late resolution: still breached, still owed
        due, warn_at = getattr(ticket, f"{clock}_due"), getattr(ticket, f"{clock}_warn_at")
        # A clock paused past due (rows from before pauses recorded breaches) keeps its due time: the sweep records it.
        if is_met(at=paused_at, due=due):
            due = resumed_due(due, paused_at=paused_at, resumed_at=at, calendar=calendar)
        if warn_at > paused_at:
            warn_at = resumed_due(warn_at, paused_at=paused_at, resumed_at=at, calendar=calendar)
        setattr(ticket, f"{clock}_due", due)
        setattr(ticket, f"{clock}_warn_at", warn_at)
        setattr(ticket, f"{clock}_state", ClockState.WARNING if warn_at <= at else ClockState.ON_TRACK)
