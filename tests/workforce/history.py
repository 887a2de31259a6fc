"""A synthetic contact history with a known pattern, for the forecast and its selectors."""

from datetime import UTC, date, datetime, time, timedelta

from tests import factories
from tickets.models import AuthorKind, Channel
from workforce import staffing

TODAY = date(2026, 6, 1)  # a Monday


def at(day: date, hour: int, minute: int = 5) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


def weekly_tickets(*, count: int, hour: int, channel: str = Channel.PORTAL, weeks: int = 4, weekday: int = 0) -> None:
    """`count` new tickets at `hour` on `weekday` of each of the last `weeks` weeks before TODAY."""
    for week in range(1, weeks + 1):
        day = TODAY - timedelta(weeks=week) + timedelta(days=weekday)
        for _n in range(count):
            factories.TicketFactory(created_at=at(day, hour), channel=channel)


def busy_hours(hours: list[staffing.ForecastHour]) -> list[staffing.ForecastHour]:
    return [hour for hour in hours if hour.contacts]


def handled(*, agent, seconds: list[int], channel: str = Channel.EMAIL, when: datetime | None = None):
    ticket = factories.TicketFactory(channel=channel)
    for value in seconds:
        factories.TicketMessageFactory(
            ticket=ticket,
            author_kind=AuthorKind.AGENT,
            author=agent,
            via=Channel.AGENT,
            handle_seconds=value,
            created_at=when or at(TODAY - timedelta(days=3), 10),
        )
    return ticket
