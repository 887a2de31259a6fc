"""A deliberately naive SLA clock: walk the calendar minute by minute and read the wall clock.

Independent of tickets.sla.calendar on purpose: no intervals, no offsets, no UTC arithmetic
beyond "the next minute". It reads the calendar's raw fields (zone, weekly hours in seconds,
holidays, 24/7) and asks, for each minute, what a person looking at the office's wall clock
would: is today a holiday, and is the time shown inside today's hours?

Everything is minute-aligned (starts, pauses, opening hours, targets in whole minutes); the
zones it is used with switch daylight saving time on whole minutes too.

The definition it implements (the one tickets.sla documents):
- a minute counts towards the target when the desk is open during it and the clock is not paused;
- the clock is due at the first instant, from its start, at which the whole target has counted
  and the desk is "there": inside opening hours or at the closing instant of an open minute,
  and not paused (a pause covers [start, end)).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from tickets.sla.calendar import Calendar

MINUTE = timedelta(minutes=1)
# The walk refuses to go further than this: the property test keeps its calendars and targets inside it.
HORIZON = timedelta(days=60)


def desk_open(calendar: Calendar, minute: datetime) -> bool:
    """Open during the minute starting at `minute`, by the wall clock of the calendar's zone."""
    local = minute.astimezone(calendar.time_zone)
    day = local.date()
    if day in calendar.holidays or (day.month, day.day) in calendar.recurring_holidays:
        return False
    if calendar.always_open:
        return True
    shown = local.hour * 3600 + local.minute * 60
    # Plain loops here and in is_paused: any() over a generator doubles the cost of each minute walked.
    for opens, closes in calendar.weekly[day.weekday()]:  # noqa: SIM110
        if opens <= shown < closes:
            return True
    return False


def is_paused(moment: datetime, pauses: Sequence[tuple[datetime, datetime]]) -> bool:
    for begin, end in pauses:  # noqa: SIM110
        if begin <= moment < end:
            return True
    return False


def naive_due(calendar: Calendar, start: datetime, target_minutes: int, pauses: Sequence[tuple[datetime, datetime]]):
    """The instant the clock falls due, walking from `start`; `pauses` are (start, end) in time order."""
    counted = 0
    moment, end_of_walk = start, start + HORIZON
    open_before = desk_open(calendar, moment - MINUTE)
    while moment <= end_of_walk:
        paused = is_paused(moment, pauses)
        open_now = desk_open(calendar, moment)
        if counted >= target_minutes and not paused and (open_now or open_before):
            return moment
        if open_now and not paused:
            counted += 1
        open_before = open_now
        moment += MINUTE
    raise AssertionError("the walk passed its horizon: keep the generated calendars denser")


def next_change(calendar: Calendar, moment: datetime, *, opening: bool, limit: timedelta = timedelta(days=4)):
    """The first instant from `moment` at which the desk opens (or closes), or None within `limit`."""
    before = desk_open(calendar, moment - MINUTE)
    end = moment + limit
    while moment < end:
        now = desk_open(calendar, moment)
        if now != before and now == opening:
            return moment
        before = now
        moment += MINUTE
    return None
