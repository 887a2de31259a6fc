"""Business-time arithmetic against hand-computed calendars, plus properties checked by hypothesis."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.sla.calendar import Calendar, add_business_time, business_time_between, weekly_hours
from tickets.sla.models import BusinessCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

WEEKDAYS_9_21_WEEKENDS_10_18 = weekly_hours(
    {day: [(time(9), time(21))] for day in range(5)} | {day: [(time(10), time(18))] for day in (5, 6)}
)


def support_hours(**kwargs) -> Calendar:
    return Calendar(time_zone=SHANGHAI, weekly=WEEKDAYS_9_21_WEEKENDS_10_18, **kwargs)


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # Friday 20:30 + 8 h: 30 min on Friday, then 7.5 h of Saturday's 10–18 → Saturday 17:30
        (at(SHANGHAI, 2026, 5, 22, 20, 30), 8, at(SHANGHAI, 2026, 5, 23, 17, 30)),
        # created before opening: the clock starts at 09:00
        (at(SHANGHAI, 2026, 5, 25, 7, 0), 1, at(SHANGHAI, 2026, 5, 25, 10, 0)),
        # created after closing: the clock starts next morning
        (at(SHANGHAI, 2026, 5, 25, 22, 45), 2, at(SHANGHAI, 2026, 5, 26, 11, 0)),
        # across a night: 1 h Tuesday evening + 2 h Wednesday morning
        (at(SHANGHAI, 2026, 5, 26, 20, 0), 3, at(SHANGHAI, 2026, 5, 27, 11, 0)),
        # across the weekend: Saturday 17:00 + 2 h → Sunday 11:00
        (at(SHANGHAI, 2026, 5, 23, 17, 0), 2, at(SHANGHAI, 2026, 5, 24, 11, 0)),
        # Sunday 17:00 + 4 h: 1 h Sunday, 3 h Monday
        (at(SHANGHAI, 2026, 5, 24, 17, 0), 4, at(SHANGHAI, 2026, 5, 25, 12, 0)),
        # exactly a closing time: due at close of business, not next morning
        (at(SHANGHAI, 2026, 5, 25, 13, 0), 8, at(SHANGHAI, 2026, 5, 25, 21, 0)),
        # a long target: Monday 09:00 + 40 h = Mon 12 + Tue 12 + Wed 12 + Thu 4 → Thursday 13:00
        (at(SHANGHAI, 2026, 5, 25, 9, 0), 40, at(SHANGHAI, 2026, 5, 28, 13, 0)),
    ],
)
def test_it_adds_business_hours_on_the_support_calendar(start, hours, expected):
    calendar = support_hours()

    due = add_business_time(start, timedelta(hours=hours), calendar)

    assert due == expected
    assert business_time_between(start, due, calendar) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # closed (before opening): "respond at opening"
        (at(SHANGHAI, 2026, 5, 25, 7, 0), at(SHANGHAI, 2026, 5, 25, 9, 0)),
        # closed over the weekend night: Saturday opens at 10:00
        (at(SHANGHAI, 2026, 5, 22, 23, 0), at(SHANGHAI, 2026, 5, 23, 10, 0)),
        # open, at opening and at the closing instant itself: due right then
        (at(SHANGHAI, 2026, 5, 25, 13, 0), at(SHANGHAI, 2026, 5, 25, 13, 0)),
        (at(SHANGHAI, 2026, 5, 25, 9, 0), at(SHANGHAI, 2026, 5, 25, 9, 0)),
        (at(SHANGHAI, 2026, 5, 25, 21, 0), at(SHANGHAI, 2026, 5, 25, 21, 0)),
    ],
)
def test_a_zero_duration_is_due_at_the_next_moment_the_desk_is_open(start, expected):
    assert add_business_time(start, timedelta(0), support_hours()) == expected


def test_it_skips_holidays():
    # National Day holidays: Thursday 1 and Friday 2 October are closed.
    calendar = support_hours(holidays=frozenset({date(2026, 10, 1), date(2026, 10, 2)}))

    due = add_business_time(at(SHANGHAI, 2026, 9, 30, 20, 0), timedelta(hours=4), calendar)

    # 1 h Wednesday evening, nothing Thursday or Friday, 3 h Saturday from 10:00
    assert due == at(SHANGHAI, 2026, 10, 3, 13, 0)


def test_it_skips_recurring_holidays_in_any_year():
    calendar = support_hours(recurring_holidays=frozenset({(1, 1)}))

    due = add_business_time(at(SHANGHAI, 2026, 12, 31, 20, 0), timedelta(hours=2), calendar)

    # New Year's Day 2027 is a Friday: closed; Saturday opens at 10:00
    assert due == at(SHANGHAI, 2027, 1, 2, 11, 0)


def test_it_handles_several_intervals_per_day():
    calendar = Calendar(
        time_zone=SHANGHAI,
        weekly=weekly_hours({day: [(time(9), time(12)), (time(13), time(18))] for day in range(5)}),
    )

    assert add_business_time(at(SHANGHAI, 2026, 5, 25, 11, 30), timedelta(hours=1), calendar) == at(
        SHANGHAI, 2026, 5, 25, 13, 30
    )
    assert business_time_between(
        at(SHANGHAI, 2026, 5, 25, 8, 0), at(SHANGHAI, 2026, 5, 26, 0, 0), calendar
    ) == timedelta(hours=8)


def test_a_24_7_calendar_counts_every_second():
    calendar = Calendar(time_zone=UTC, always_open=True)
    start = at(SHANGHAI, 2026, 5, 23, 3, 17)

    assert add_business_time(start, timedelta(minutes=30), calendar) == start + timedelta(minutes=30)
    assert business_time_between(start, start + timedelta(days=3), calendar) == timedelta(days=3)


def test_a_24_7_calendar_still_closes_on_its_holidays():
    calendar = Calendar(time_zone=SHANGHAI, always_open=True, holidays=frozenset({date(2026, 5, 24)}))

    due = add_business_time(at(SHANGHAI, 2026, 5, 23, 23, 0), timedelta(hours=2), calendar)

    assert due == at(SHANGHAI, 2026, 5, 25, 1, 0)


class TestDaylightSaving:
    """Europe/Berlin springs forward on 29 March 2026 and falls back on 25 October 2026."""

    def full_days(self, zone=BERLIN) -> Calendar:
        return Calendar(time_zone=zone, weekly=weekly_hours({day: [(time(0), time(0))] for day in range(7)}))

    def test_the_spring_switch_day_has_23_business_hours(self):
        calendar = self.full_days()

        assert business_time_between(at(BERLIN, 2026, 3, 29), at(BERLIN, 2026, 3, 30), calendar) == timedelta(hours=23)
        # Saturday noon + 24 h of real time lands at 13:00 local on Sunday
        assert add_business_time(at(BERLIN, 2026, 3, 28, 12), timedelta(hours=24), calendar) == at(
            BERLIN, 2026, 3, 29, 13
        )

    def test_the_autumn_switch_day_has_25_business_hours(self):
        calendar = self.full_days()

        assert business_time_between(at(BERLIN, 2026, 10, 25), at(BERLIN, 2026, 10, 26), calendar) == timedelta(
            hours=25
        )
        assert add_business_time(at(BERLIN, 2026, 10, 24, 12), timedelta(hours=24), calendar) == at(
            BERLIN, 2026, 10, 25, 11
        )

    def test_hours_spanning_the_switch_last_the_real_time_that_passes(self):
        calendar = Calendar(time_zone=BERLIN, weekly=weekly_hours({6: [(time(1), time(4))]}))

        # 01:00 CET → 04:00 CEST is two real hours; 01:00 CEST → 04:00 CET is four
        assert business_time_between(at(BERLIN, 2026, 3, 29), at(BERLIN, 2026, 3, 30), calendar) == timedelta(hours=2)
        assert business_time_between(at(BERLIN, 2026, 10, 25), at(BERLIN, 2026, 10, 26), calendar) == timedelta(hours=4)

    def test_hours_opening_inside_the_spring_gap_open_when_the_clock_jumps_past_it(self):
        calendar = Calendar(time_zone=BERLIN, weekly=weekly_hours({6: [(time(2, 30), time(5))]}))

        # 02:00 CET jumps to 03:00 CEST: from then on the wall clock reads after 02:30
        assert add_business_time(at(UTC, 2026, 3, 29, 0), timedelta(0), calendar) == at(BERLIN, 2026, 3, 29, 3)
        assert business_time_between(at(BERLIN, 2026, 3, 29), at(BERLIN, 2026, 3, 30), calendar) == timedelta(hours=2)

    def test_hours_closing_inside_the_repeated_autumn_hour_are_open_on_both_passes(self):
        calendar = Calendar(time_zone=BERLIN, weekly=weekly_hours({6: [(time(1), time(2, 30))]}))

        # 01:00–02:30 CEST, then again 02:00–02:30 CET: two real hours
        assert business_time_between(at(BERLIN, 2026, 10, 25), at(BERLIN, 2026, 10, 26), calendar) == timedelta(hours=2)
        # at 02:45 CEST the desk is closed, until the clock reads 02:00 again (01:00 UTC)
        assert add_business_time(at(UTC, 2026, 10, 25, 0, 45), timedelta(0), calendar) == at(UTC, 2026, 10, 25, 1)

    def test_office_hours_keep_their_wall_clock_times_across_the_switch(self):
        calendar = Calendar(time_zone=NEW_YORK, weekly=weekly_hours({day: [(time(9), time(17))] for day in range(5)}))

        # Friday 16:00 EST + 2 h: 1 h Friday, then Monday 09:00 EDT (the switch was on Sunday 8 March)
        due = add_business_time(at(NEW_YORK, 2026, 3, 6, 16), timedelta(hours=2), calendar)

        assert due == at(NEW_YORK, 2026, 3, 9, 10)
        assert due.astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)


def test_between_is_negative_when_the_end_is_earlier():
    calendar = support_hours()
    friday, saturday = at(SHANGHAI, 2026, 5, 22, 20, 30), at(SHANGHAI, 2026, 5, 23, 17, 30)

    assert business_time_between(saturday, friday, calendar) == -timedelta(hours=8)


def test_it_rejects_naive_datetimes_and_calendars_without_hours():
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2026, 5, 22, 20, 30), timedelta(hours=1), support_hours())
    with pytest.raises(ValueError, match="opening hours"):
        Calendar(time_zone=UTC)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(at(UTC, 2026, 5, 22), -timedelta(hours=1), support_hours())


def test_a_calendar_closed_for_years_fails_loudly():
    every_monday_a_holiday = Calendar(
        time_zone=UTC,
        weekly=weekly_hours({0: [(time(9), time(17))]}),
        holidays=frozenset(date(2026, 1, 5) + timedelta(weeks=n) for n in range(200)),
    )

    with pytest.raises(ValueError, match="no business hours"):
        add_business_time(at(UTC, 2026, 1, 1), timedelta(hours=1), every_monday_a_holiday)


@pytest.mark.django_db
def test_the_seeded_support_calendar_gives_the_promised_due_date():
    calendar = BusinessCalendar.objects.get(name="Support hours").to_calendar()

    assert add_business_time(at(SHANGHAI, 2026, 5, 22, 20, 30), timedelta(hours=8), calendar) == at(
        SHANGHAI, 2026, 5, 23, 17, 30
    )
    # New Year's Day is a seeded yearly holiday
    assert calendar.is_holiday(date(2030, 1, 1))


# Properties -----------------------------------------------------------------

ZONES = ["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]


@st.composite
def calendars(draw) -> Calendar:
    weekly = []
    for _day in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=4)))
        # Pair consecutive cut points (quarter hours) into intervals; an odd one out is dropped.
        weekly.append(tuple((cuts[i] * 900, cuts[i + 1] * 900) for i in range(0, len(cuts) - 1, 2)))
    always_open = draw(st.booleans()) if any(weekly) else True
    holidays = draw(st.frozensets(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=20))
    return Calendar(
        time_zone=ZoneInfo(draw(st.sampled_from(ZONES))),
        weekly=tuple(weekly),
        holidays=holidays,
        always_open=always_open,
    )


moments = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.just(UTC))
durations = st.integers(0, 300 * 3600).map(lambda seconds: timedelta(seconds=seconds))


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), start=moments, duration=durations)
def test_measuring_added_business_time_gives_it_back(calendar, start, duration):
    due = add_business_time(start, duration, calendar)

    assert due >= start
    assert business_time_between(start, due, calendar) == duration


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), a=moments, b=moments)
def test_adding_the_measured_time_never_overshoots(calendar, a, b):
    a, b = min(a, b), max(a, b)
    elapsed = business_time_between(a, b, calendar)

    reached = add_business_time(a, elapsed, calendar)

    assert business_time_between(a, reached, calendar) == elapsed
    if elapsed:
        assert reached <= b
    # Zero business time: `reached` is the next opening, which may come after `b`; either way none lies between.
    assert business_time_between(min(reached, b), max(reached, b), calendar) == timedelta(0)


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), a=moments, b=moments, c=moments)
def test_business_time_is_additive(calendar, a, b, c):
    assert business_time_between(a, c, calendar) == business_time_between(a, b, calendar) + business_time_between(
        b, c, calendar
    )
