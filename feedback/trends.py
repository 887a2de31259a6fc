"""Trends (issue 24 item 9): hot topics week by week, and suggestions grouped by similarity.

Hot topics: tickets opened per category and per tag in each of the last N complete weeks
(Monday to Sunday, in the viewer's time zone), with the last week's change against the
week before. Each chart is one aggregate query (TruncWeek + COUNT grouped by week and
topic), whatever the number of tickets; the filters (team, channel, language) and the
period use the ticket indexes on (team | channel | language, created_at).

Suggestion groups: the newest TRENDS_SUGGESTION_LIMIT suggestions of a period, read in one
query and grouped in Python by feedback.similarity (O(n²) comparisons at worst, n capped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import similarity
from feedback.models import Suggestion
from tickets.models import Ticket

WEEK = timedelta(days=7)
MAX_WEEKS = 104


@dataclass(frozen=True)
class TrendFilters:
    weeks: int = 12
    team_id: int | None = None
    channel: str = ""
    language: str = ""

    def week_starts(self, today: date | None = None) -> list[date]:
        """The Mondays of the last `weeks` complete weeks, oldest first (the current week is not complete)."""
        today = today or timezone.localdate()
        this_monday = today - timedelta(days=today.weekday())
        return [this_monday - WEEK * back for back in range(self.weeks, 0, -1)]

    def ticket_q(self, starts: list[date], prefix: str = "") -> Q:
        start = timezone.make_aware(datetime.combine(starts[0], time.min))
        end = timezone.make_aware(datetime.combine(starts[-1] + WEEK, time.min))
        conditions = Q(**{f"{prefix}created_at__gte": start, f"{prefix}created_at__lt": end})
        for name, column in (("team_id", "team_id"), ("channel", "channel"), ("language", "language")):
            if getattr(self, name):
                conditions &= Q(**{f"{prefix}{column}": getattr(self, name)})
        return conditions


@dataclass(frozen=True)
class TopicSeries:
    key: object
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def last(self) -> int:
        return self.counts[-1] if self.counts else 0

    @property
    def previous(self) -> int:
        return self.counts[-2] if len(self.counts) > 1 else 0

    @property
    def change(self) -> int:
        """Last week minus the week before."""
        return self.last - self.previous

    @property
    def change_percent(self) -> float | None:
        """The change as a % of the week before; None when the week before had none (a % of zero means nothing)."""
        return round(100.0 * self.change / self.previous, 1) if self.previous else None


@dataclass(frozen=True)
class TopicTrend:
    weeks: list[date]
    series: list[TopicSeries]


def _week_of(value) -> date:
    """TruncWeek's value as the Monday's date: an aware datetime (PostgreSQL, SQLite with USE_TZ) or a date."""
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def _trend(rows, weeks: list[date]) -> TopicTrend:
    """rows: (key, label, week, count). Series by total descending, then label (a stable order)."""
    position = {week: index for index, week in enumerate(weeks)}
    series: dict[object, tuple[str, list[int]]] = {}
    for key, label, week, count in rows:
        index = position.get(_week_of(week))
        if index is None:  # outside the asked weeks (cannot happen with the filter; guards time-zone edges)
            continue
        series.setdefault(key, (label, [0] * len(weeks)))[1][index] += count
    built = [TopicSeries(key=key, label=label, counts=counts) for key, (label, counts) in series.items()]
    return TopicTrend(weeks=weeks, series=sorted(built, key=lambda item: (-item.total, item.label)))


def category_trend(filters: TrendFilters, *, today: date | None = None) -> TopicTrend:
    """One query: tickets opened per category per week (uncategorised tickets are a topic of their own)."""
    weeks = filters.week_starts(today)
    rows = (
        Ticket.objects.filter(filters.ticket_q(weeks))
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values_list("category_id", "category__name", "week")
        .annotate(count=Count("id"))
    )
    uncategorised = _("Uncategorised")
    return _trend(((key, name or uncategorised, week, count) for key, name, week, count in rows), weeks)


def tag_trend(filters: TrendFilters, *, today: date | None = None) -> TopicTrend:
    """One query: tickets opened per tag per week (a ticket with two tags counts for both; untagged ones for none)."""
    weeks = filters.week_starts(today)
    rows = (
        Ticket.tags.through.objects.filter(filters.ticket_q(weeks, prefix="ticket__"))
        .annotate(week=TruncWeek("ticket__created_at"))
        .order_by()
        .values_list("tag_id", "tag__name", "week")
        .annotate(count=Count("ticket_id"))
    )
    return _trend(rows, weeks)


# Suggestion groups ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionGroup:
    representative: dict
    members: list[dict]

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def votes(self) -> int:
        return sum(member["votes"] for member in self.members)

    @property
    def first_seen(self) -> datetime:
        return min(member["created_at"] for member in self.members)

    @property
    def last_seen(self) -> datetime:
        return max(member["created_at"] for member in self.members)

    def as_record(self) -> dict:
        """JSON-ready (the monthly summary stores it)."""
        return {
            "title": self.representative["title"],
            "body": self.representative["body"][:500],
            "category": self.representative["category"],
            "count": self.count,
            "votes": self.votes,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "suggestion_ids": [member["id"] for member in self.members],
        }


@dataclass(frozen=True)
class SuggestionGrouping:
    groups: list[SuggestionGroup]
    compared: int
    limit: int

    @property
    def capped(self) -> bool:
        """True when the period held more suggestions than were compared (the oldest were left out)."""
        return self.compared >= self.limit


SUGGESTION_FIELDS = ("id", "title", "body", "category", "language", "votes", "created_at")


def suggestion_text(row: dict) -> str:
    return f"{row['title']} {row['body']}"


def group_suggestions(
    *, start: datetime | None = None, end: datetime | None = None, category: str = "", language: str = ""
) -> SuggestionGrouping:
    """One query. Suggestions folded into another (duplicate_of) are counted through their original's votes.

    Groups come biggest first (members, then votes, then earliest first seen), members oldest first.
    """
    limit = settings.TRENDS_SUGGESTION_LIMIT
    suggestions = Suggestion.objects.originals()
    if start:
        suggestions = suggestions.filter(created_at__gte=start)
    if end:
        suggestions = suggestions.filter(created_at__lt=end)
    if category:
        suggestions = suggestions.filter(category=category)
    if language:
        suggestions = suggestions.filter(language=language)
    rows = list(suggestions.order_by("-created_at", "-id").values(*SUGGESTION_FIELDS)[:limit])
    rows.reverse()
    texts = [suggestion_text(row) for row in rows]
    groups = []
    for members in similarity.cluster(texts, threshold=settings.TRENDS_SUGGESTION_SIMILARITY):
        chosen = similarity.representative(texts, members)
        groups.append(SuggestionGroup(representative=rows[chosen], members=[rows[index] for index in members]))
    groups.sort(key=lambda group: (-group.count, -group.votes, group.first_seen, group.representative["id"]))
    return SuggestionGrouping(groups=groups, compared=len(rows), limit=limit)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next one, in the current time zone."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (timezone.make_aware(datetime.combine(first, time.min)),
            timezone.make_aware(datetime.combine(following, time.min)))  # fmt: skip
