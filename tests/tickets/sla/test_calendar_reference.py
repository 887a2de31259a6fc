"""The product's SLA arithmetic against the naive minute-by-minute walk (tests/tickets/sla/naive_clock.py).

Random calendars: overnight hours (22:00–06:00), office hours, 24/7 desks, scattered hours,
holidays, zones with daylight saving time (America/New_York, Europe/Berlin, Australia/Sydney)
around their switches; clocks with zero, short and multi-day targets, arriving at any minute or
exactly at an opening or a closing, paused up to three times (pauses start and end in open or
closed hours alike). The product's clock is what tickets.sla.services.clocks does: start with
add_business_time, at each pause record a breach if the clock is no longer met, else resume
with resumed_due.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.tickets.sla.naive_clock import naive_due, next_change
from tickets.sla.calendar import Calendar, add_business_time, resumed_due
from tickets.sla.deadline import is_met

# Each zone with its 2026 daylight-saving switches (and an ordinary day): clocks start a few days around one.
ZONE_DAYS = {
    "UTC": [date(2026, 3, 29), date(2026, 6, 15)],
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1), date(2026, 6, 15)],
    "Europe/Berlin": [date(2026, 3, 29), date(2026, 10, 25), date(2026, 6, 15)],
    "Australia/Sydney": [date(2026, 4, 5), date(2026, 10, 4), date(2026, 6, 15)],
}
HOUR = 3600
QUARTER = 900


def hours(*pairs: tuple[float, float]) -> tuple[tuple[int, int], ...]:
    return tuple((int(opens * HOUR), int(closes * HOUR)) for opens, closes in pairs)


@st.composite
def weekly_hours(draw) -> tuple[tuple[bool, tuple], ...]:
    """(always_open, weekly) of one of four kinds of desk."""
    kind = draw(st.sampled_from(["overnight", "office", "always", "scattered", "around the switch"]))
    if kind == "always":
        return True, ((),) * 7
    if kind == "overnight":
        # Open 22:00–06:00: the night of Monday to Tuesday is Monday 22–24 and Tuesday 0–6.
        nights = draw(st.sets(st.integers(0, 6), min_size=3))
        return False, tuple(
            hours(*([(0, 6)] if (day - 1) % 7 in nights else []), *([(22, 24)] if day in nights else []))
            for day in range(7)
        )
    if kind == "office":
        opens = draw(st.integers(0, 12 * 4)) * QUARTER
        closes = opens + draw(st.integers(4 * 4, 24 * 4 - opens // QUARTER)) * QUARTER
        weekend = draw(st.sampled_from([(), ((10 * HOUR, 18 * HOUR),)]))
        return False, tuple(((opens, closes),) if day < 5 else weekend for day in range(7))
    if kind == "around the switch":
        # Hours opening or closing inside the hour a daylight-saving switch skips or repeats (01:00–04:00).
        edge = draw(st.integers(5, 15)) * QUARTER
        shape = draw(st.sampled_from([((0, edge),), ((edge, 9 * HOUR),), ((HOUR, edge), (edge + QUARTER, 6 * HOUR))]))
        return False, (shape,) * 7
    weekly = []
    for _day in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 96), min_size=2, max_size=6)))
        weekly.append(tuple((cuts[i] * QUARTER, cuts[i + 1] * QUARTER) for i in range(0, len(cuts) - 1, 2)))
    # Dense enough that a multi-day target is reached within the walk's horizon.
    if sum(closes - opens for day in weekly for opens, closes in day) < 30 * HOUR:
        weekly[0] = ((0, 24 * HOUR),)
        weekly[3] = ((6 * HOUR, 20 * HOUR),)
    return False, tuple(weekly)


@st.composite
def calendars(draw, zone: str, around: date) -> Calendar:
    always_open, weekly = draw(weekly_hours())
    holidays = draw(st.frozensets(st.dates(around - timedelta(days=2), around + timedelta(days=8)), max_size=3))
    return Calendar(time_zone=ZoneInfo(zone), weekly=weekly, holidays=holidays, always_open=always_open)


targets = st.one_of(
    st.just(0),
    st.integers(1, 120),
    st.integers(121, 12 * 60),
    st.integers(24 * 60, 36 * 60),  # one to two business days: several calendar days on most desks
)


@st.composite
def clocks(draw):
    zone = draw(st.sampled_from(sorted(ZONE_DAYS)))
    around = draw(st.sampled_from(ZONE_DAYS[zone]))
    calendar = draw(calendars(zone, around))
    start = datetime.combine(around, datetime.min.time(), tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(-3 * 1440, 3 * 1440))
    )
    snap = draw(st.sampled_from([None, "opening", "closing"]))
    if snap:
        start = next_change(calendar, start, opening=snap == "opening") or start
    pauses = []
    moment = start
    for _ in range(draw(st.integers(0, 3))):
        begin = moment + timedelta(minutes=draw(st.integers(0, 16 * 60)))
        end = begin + timedelta(minutes=draw(st.integers(1, 40 * 60)))
        pauses.append((begin, end))
        moment = end
    return calendar, start, draw(targets), pauses


def product_clock(calendar: Calendar, start: datetime, target_minutes: int, pauses):
    """(due, the pause at which a breach was recorded or None), as the clock services compute them."""
    due = add_business_time(start, timedelta(minutes=target_minutes), calendar)
    for paused_at, resumed_at in pauses:
        if not is_met(at=paused_at, due=due):
            return due, paused_at
        due = resumed_due(due, paused_at=paused_at, resumed_at=resumed_at, calendar=calendar)
    return due, None


def at(*args) -> datetime:
    return datetime(2026, *args, tzinfo=UTC)


OVERNIGHT_BERLIN = Calendar(time_zone=ZoneInfo("Europe/Berlin"), weekly=(hours((0, 6), (22, 24)),) * 7)
# The autumn switch inside an overnight shift: 22:00 CEST to 06:00 CET is nine real hours.
AUTUMN_NIGHT = (OVERNIGHT_BERLIN, at(10, 24, 20, 0), 9 * 60, [])
# A zero target arriving at the closing instant and paused in that instant: due at the first opening after the resume.
ZERO_PAUSED_OVER_OPENING = (OVERNIGHT_BERLIN, at(6, 15, 4, 0), 0, [(at(6, 15, 4, 0), at(6, 15, 12, 0))])
# A Berlin desk opening at 02:30: on the spring switch the wall clock jumps from 02:00 to 03:00.
OPENS_IN_THE_GAP = (Calendar(time_zone=ZoneInfo("Europe/Berlin"), weekly=(hours((2.5, 9)),) * 7), at(3, 28, 23), 30, [])
# A New York desk closing at 01:30: on the autumn switch 01:00–01:30 comes twice.
CLOSES_IN_THE_FOLD = (
    Calendar(time_zone=ZoneInfo("America/New_York"), weekly=(hours((0, 1.5)),) * 7),
    at(11, 1, 5, 20),
    60,
    [],
)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clock=clocks())
@example(clock=AUTUMN_NIGHT)
@example(clock=ZERO_PAUSED_OVER_OPENING)
@example(clock=OPENS_IN_THE_GAP)
@example(clock=CLOSES_IN_THE_FOLD)
def test_the_product_clock_agrees_with_the_minute_walk(clock):
    calendar, start, target_minutes, pauses = clock
    expected = naive_due(calendar, start, target_minutes, pauses)
    breached_at = next((paused_at for paused_at, _ in pauses if paused_at > expected), None)

    assert product_clock(calendar, start, target_minutes, pauses) == (expected, breached_at)
