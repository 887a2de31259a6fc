"""Business-time arithmetic: pure functions over an immutable calendar description.

Business time is real elapsed time (UTC) inside the calendar's open intervals.
Opening hours are local wall-clock times in the calendar's IANA zone: the desk
is open at every instant whose local reading (date and time on the clock on
the wall) falls inside that date's hours. So a day with a daylight-saving
switch has as many business seconds as really pass while the wall clock shows
its hours: an interval 00:00–24:00 lasts 23 hours on the spring switch and 25
on the autumn one; hours that open inside the spring gap open when the clock
jumps past it, and hours that close inside the repeated autumn hour are open
on both passes.

Open intervals are closed at both ends for the question "is the desk there":
a due time may fall exactly on a closing time, and a zero-duration target
("respond at opening") counted from a closing instant is due right then,
counted from closed hours it is due at the next opening.

No database access here: tickets.sla.models builds a Calendar from the admin's
rows, and tests build them directly.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DAY_SECONDS = 24 * 60 * 60
FULL_DAY = ((0, DAY_SECONDS),)
# A calendar whose open days are this far apart is misconfigured (e.g. every day a holiday).
MAX_SEARCH_DAYS = 3 * 366

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Calendar:
    """Weekly opening hours, holidays and a time zone.

    `weekly[weekday]` (Monday = 0) lists (open, close) as seconds after local
    midnight, close at most 86 400 (midnight at the end of the day). Holidays
    close the whole local day; `recurring_holidays` are (month, day) pairs
    closed every year. `always_open` means 24/7 (holidays still close a day,
    so a 24/7 calendar normally has none).
    """

    time_zone: ZoneInfo
    weekly: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7
    holidays: frozenset[date] = frozenset()
    recurring_holidays: frozenset[tuple[int, int]] = frozenset()
    always_open: bool = False

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly needs one entry per weekday")
        for intervals in self.weekly:
            for opens, closes in intervals:
                if not 0 <= opens < closes <= DAY_SECONDS:
                    raise ValueError(f"bad opening interval {opens}–{closes}")
        if not self.always_open and not any(self.weekly):
            raise ValueError("a calendar needs opening hours or the 24/7 option")

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.recurring_holidays

    def hours_of(self, day: date) -> tuple[tuple[int, int], ...]:
        if self.is_holiday(day):
            return ()
        return FULL_DAY if self.always_open else self.weekly[day.weekday()]


def weekly_hours(spec: dict[int, list[tuple[time, time]]]) -> tuple[tuple[tuple[int, int], ...], ...]:
    """{weekday: [(opens, closes), ...]} with datetime.time values → Calendar.weekly.

    A closing time of 00:00 means midnight at the end of the day.
    """

    def seconds(value: time) -> int:
        return value.hour * 3600 + value.minute * 60 + value.second

    return tuple(
        tuple(sorted((seconds(opens), seconds(closes) or DAY_SECONDS) for opens, closes in spec.get(weekday, [])))
        for weekday in range(7)
    )


def _offset_at(zone: ZoneInfo, timestamp: int) -> timedelta:
    return datetime.fromtimestamp(timestamp, zone).utcoffset()


@lru_cache(maxsize=1024)
def _offset_pieces(zone: ZoneInfo, day: date) -> tuple[tuple[datetime, datetime, timedelta], ...]:
    """(start, end, UTC offset) pieces of real time covering every instant whose local reading falls on `day`."""
    # A reading of `day` happens within UTC offsets of −12 h to +14 h of its naive value.
    low = int(datetime.combine(day, time(0), tzinfo=UTC).timestamp()) - 15 * 3600
    high = int(datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC).timestamp()) + 13 * 3600
    pieces = []
    while True:
        offset = _offset_at(zone, low)
        if _offset_at(zone, high - 1) == offset:
            break
        # Bisect (to the second) for the first instant with another offset: the switch.
        same, other = low, high - 1
        while other - same > 1:
            middle = (same + other) // 2
            same, other = (middle, other) if _offset_at(zone, middle) == offset else (same, middle)
        pieces.append((low, other, offset))
        low = other
    pieces.append((low, high, offset))
    return tuple(
        (datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC), offset) for start, end, offset in pieces
    )


def _first_instant_of(zone: ZoneInfo, day: date) -> datetime:
    """The first instant whose local reading is on `day` or later (intervals of later days start no earlier)."""
    reading = datetime.combine(day, time(0), tzinfo=UTC)
    for start, end, offset in _offset_pieces(zone, day):
        instant = max(start, reading - offset)
        if instant < end:
            return instant
    raise AssertionError("unreachable: the pieces cover every reading of the day")


@lru_cache(maxsize=4096)
def open_intervals(calendar: Calendar, day: date) -> tuple[Interval, ...]:
    """The open intervals of one local day as UTC instants, sorted, merged and non-overlapping."""
    hours = calendar.hours_of(day)
    if not hours:
        return ()
    # The local reading as if it were UTC: minus the offset in force, it is the real instant.
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    readings = [(midnight + timedelta(seconds=opens), midnight + timedelta(seconds=closes)) for opens, closes in hours]
    spans = sorted(
        (max(opens - offset, start), min(closes - offset, end))
        for opens, closes in readings
        for start, end, offset in _offset_pieces(calendar.time_zone, day)
    )
    intervals: list[Interval] = []
    for start, end in spans:
        if start >= end:
            continue
        if intervals and start <= intervals[-1][1]:
            intervals[-1] = (intervals[-1][0], max(end, intervals[-1][1]))
        else:
            intervals.append((start, end))
    return tuple(intervals)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business-time arithmetic needs time-zone-aware datetimes")
    return moment.astimezone(UTC)


def _intervals_from(calendar: Calendar, moment: datetime) -> Iterator[Interval]:
    """Open intervals ending at or after `moment`, in time order, for as long as the caller asks."""
    # The day before too: in an autumn switch at midnight its hours can run past `moment`'s day's start.
    day = moment.astimezone(calendar.time_zone).date() - timedelta(days=1)
    pending: list[Interval] = []
    days_without_hours = 0
    while days_without_hours <= MAX_SEARCH_DAYS:
        intervals = open_intervals(calendar, day)
        days_without_hours = 0 if intervals else days_without_hours + 1
        for interval in intervals:
            heapq.heappush(pending, interval)
        # Readings of later days start no earlier than this, so every pending interval before it comes first.
        horizon = _first_instant_of(calendar.time_zone, day + timedelta(days=1))
        while pending and pending[0][0] < horizon:
            interval = heapq.heappop(pending)
            if interval[1] >= moment:
                yield interval
        day += timedelta(days=1)
    raise ValueError("the calendar has no business hours in three years")


def _is_continuous(calendar: Calendar) -> bool:
    return calendar.always_open and not calendar.holidays and not calendar.recurring_holidays


def add_business_time(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """The earliest instant at which `duration` of business time has passed since `start` (UTC).

    Starting outside business hours counts from the next opening; a result
    that lands exactly on a closing time stays there (due at close of business).
    A zero duration is due at `start` while the desk is open (closing instant
    included), else at the next opening: "respond at opening".
    """
    start = _utc(start)
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    if _is_continuous(calendar):
        return start + duration
    remaining = duration
    for opens, closes in _intervals_from(calendar, start):
        begin = max(opens, start)
        available = closes - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: _intervals_from raises before running out")


def business_time_between(a: datetime, b: datetime, calendar: Calendar) -> timedelta:
    """Business time from `a` to `b`; negative when `b` is before `a`."""
    a, b = _utc(a), _utc(b)
    if b < a:
        return -business_time_between(b, a, calendar)
    if _is_continuous(calendar):
        return b - a
    total = timedelta(0)
    for opens, closes in _intervals_from(calendar, a):
        if opens >= b:
            break
        total += min(closes, b) - max(opens, a)
    return total


def resumed_due(due: datetime, *, paused_at: datetime, resumed_at: datetime, calendar: Calendar) -> datetime:
    """A paused clock's new due time: the business time it had left at the pause, run again from the resume.

    `due` must be met at the pause (a clock past due is breached, not paused). With nothing left
    it is due at the resume, or at the next opening when the desk is closed then.
    """
    left = business_time_between(paused_at, due, calendar)
    return add_business_time(resumed_at, left, calendar)
