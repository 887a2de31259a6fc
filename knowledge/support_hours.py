"""Reads for the portal's "Support hours and status" page: each team's hours in the viewer's time zone, its
holidays, whether it is open now (and when it opens next), and the help centre's status notices.

Four queries whatever the number of teams, hours, holidays and notices: the teams with their calendars,
the calendars' hours, their holidays, the notices. The arithmetic is tickets.sla.calendar's, so the page
says exactly what the SLA clocks count as business time.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.utils import timezone

from knowledge.models import StatusNotice
from supportdesk.kit.validators import is_time_zone
from tickets.models import Team
from tickets.sla.calendar import Calendar, add_business_time, open_intervals

DAYS_SHOWN = 7
HOLIDAY_HORIZON_DAYS = 90
HOLIDAYS_SHOWN = 8
NOTICES_SHOWN = 20

# Where the time zone the page is shown in came from.
ZONE_PROFILE = "profile"
ZONE_BROWSER = "browser"
ZONE_DEFAULT = "default"


@dataclass(frozen=True)
class ViewerZone:
    zone: tzinfo
    source: str

    @property
    def name(self) -> str:
        return str(self.zone)


def viewer_zone(*, user, browser_zone: str = "") -> ViewerZone:
    """The signed-in person's profile zone, else the one their browser reported, else UTC."""
    profile_zone = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
    for name, source in ((profile_zone, ZONE_PROFILE), (browser_zone, ZONE_BROWSER)):
        if name and is_time_zone(name):
            return ViewerZone(zone=zoneinfo.ZoneInfo(name), source=source)
    return ViewerZone(zone=UTC, source=ZONE_DEFAULT)


@dataclass(frozen=True)
class Span:
    opens: datetime
    closes: datetime

    @property
    def closes_at_midnight(self) -> bool:
        """Open until the end of the viewer's day (shown as 24:00, not 00:00)."""
        return self.closes.time() == time(0) and self.closes.date() > self.opens.date()


@dataclass(frozen=True)
class DayHours:
    day: date
    spans: tuple[Span, ...]
    holiday: str | None
    is_today: bool

    @property
    def all_day(self) -> bool:
        return len(self.spans) == 1 and self.spans[0].opens.time() == time(0) and self.spans[0].closes_at_midnight


@dataclass(frozen=True)
class UpcomingHoliday:
    day: date
    name: str


@dataclass(frozen=True)
class TeamHours:
    name: str
    calendar_zone: str
    always_open: bool
    is_open: bool
    closes_at: datetime | None
    next_opening: datetime | None
    days: tuple[DayHours, ...]
    holidays: tuple[UpcomingHoliday, ...]


@dataclass(frozen=True)
class Notice:
    title: str
    body: str
    severity: str
    severity_label: str
    starts_at: datetime
    ends_at: datetime | None
    is_ongoing: bool


@dataclass(frozen=True)
class SupportStatus:
    zone: ViewerZone
    now: datetime
    teams: tuple[TeamHours, ...]
    notices: tuple[Notice, ...]

    @property
    def any_open(self) -> bool:
        return any(team.is_open for team in self.teams)


def support_status(*, zone: ViewerZone, language: str, now: datetime | None = None) -> SupportStatus:
    now = now or timezone.now()
    teams = (
        Team.objects.filter(is_active=True, publish_hours=True, business_calendar__isnull=False)
        .select_related("business_calendar")
        .prefetch_related("business_calendar__hours", "business_calendar__holidays")
        .order_by("name")
    )
    hours = []
    for team in teams:
        try:
            calendar = team.business_calendar.to_calendar()
        except ValueError:
            # A calendar without any hours (and not 24/7) is being set up: nothing true to publish yet.
            continue
        hours.append(_team_hours(team, calendar, zone.zone, now))
    notices = tuple(
        Notice(
            *notice.text(language),
            severity=notice.severity,
            severity_label=notice.get_severity_display(),
            starts_at=timezone.localtime(notice.starts_at, zone.zone),
            ends_at=timezone.localtime(notice.ends_at, zone.zone) if notice.ends_at else None,
            is_ongoing=notice.is_ongoing(now),
        )
        for notice in StatusNotice.objects.for_portal(now)[:NOTICES_SHOWN]
    )
    return SupportStatus(zone=zone, now=timezone.localtime(now, zone.zone), teams=tuple(hours), notices=notices)


def _team_hours(team: Team, calendar: Calendar, zone: tzinfo, now: datetime) -> TeamHours:
    calendar_today = now.astimezone(calendar.time_zone).date()
    # Every open interval that can touch the next DAYS_SHOWN days of the viewer (zones differ by up to 26 h).
    intervals = [
        interval
        for offset in range(-2, DAYS_SHOWN + 2)
        for interval in open_intervals(calendar, calendar_today + timedelta(days=offset))
    ]
    current = next((interval for interval in intervals if interval[0] <= now < interval[1]), None)
    viewer_today = now.astimezone(zone).date()
    holiday_names = {item.day: item.name for item in _holidays_between(team, viewer_today - timedelta(days=1), 9)}
    days = tuple(
        _day_hours(viewer_today + timedelta(days=offset), intervals, calendar, zone, viewer_today, holiday_names)
        for offset in range(DAYS_SHOWN)
    )
    continuous = calendar.always_open and not calendar.holidays and not calendar.recurring_holidays
    return TeamHours(
        name=team.name,
        calendar_zone=str(calendar.time_zone),
        always_open=continuous,
        is_open=current is not None,
        closes_at=None if current is None or continuous else _merged_end(current, intervals).astimezone(zone),
        next_opening=None if current is not None else add_business_time(now, timedelta(0), calendar).astimezone(zone),
        days=days,
        holidays=_upcoming_holidays(team, calendar_today),
    )


def _merged_end(current: tuple[datetime, datetime], intervals: list[tuple[datetime, datetime]]) -> datetime:
    """When the desk really closes: intervals of consecutive days that touch (a night shift) are one opening."""
    end = current[1]
    for opens, closes in sorted(intervals):
        if opens <= end < closes:
            end = closes
    return end


def _day_hours(
    day: date, intervals, calendar: Calendar, zone: tzinfo, today: date, holiday_names: dict[date, str]
) -> DayHours:
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    spans = []
    for opens, closes in sorted(intervals):
        clipped = (max(opens, start), min(closes, end))
        if clipped[0] >= clipped[1]:
            continue
        if spans and clipped[0] <= spans[-1].closes:
            spans[-1] = Span(spans[-1].opens, max(spans[-1].closes, clipped[1].astimezone(zone)))
        else:
            spans.append(Span(clipped[0].astimezone(zone), clipped[1].astimezone(zone)))
    # Holidays close a day of the calendar's own zone; the viewer's day of the same date is the one marked.
    holiday = holiday_names.get(day, "") if calendar.is_holiday(day) else None
    return DayHours(day=day, spans=tuple(spans), holiday=holiday, is_today=day == today)


def _upcoming_holidays(team: Team, today: date) -> tuple[UpcomingHoliday, ...]:
    return _holidays_between(team, today, HOLIDAY_HORIZON_DAYS)[:HOLIDAYS_SHOWN]


def _holidays_between(team: Team, first: date, days: int) -> tuple[UpcomingHoliday, ...]:
    """The team's holidays from `first` for `days` days (recurring ones on their next date), from prefetched rows."""
    last = first + timedelta(days=days)
    found = []
    for holiday in team.business_calendar.holidays.all():
        day = _next_occurrence(holiday.date, first) if holiday.recurring else holiday.date
        if day is not None and first <= day <= last:
            found.append(UpcomingHoliday(day=day, name=holiday.name))
    return tuple(sorted(found, key=lambda item: item.day))


def _next_occurrence(day: date, today: date) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = day.replace(year=year)
        except ValueError:  # 29 February in a common year
            continue
        if candidate >= today:
            return candidate
    return None
