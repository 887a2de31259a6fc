"""Satisfaction report and agent scorecard: the numbers managers see, export and get by email.

Every figure is an aggregate computed in the database, so each report costs a
fixed number of queries whatever the number of answers. The period always
applies to the date the survey was *sent*: response rate, CSAT and averages
then describe the same set of surveys.

Definitions: response rate = answered / sent; CSAT = share of overall ratings
that are 4 or 5 among answers that rated overall; averages ignore unanswered
questions. A figure over an empty set is None (shown as "—"), never 0.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from feedback.models import RATED_DIMENSIONS, RATING_MAX, RATING_MIN, Dimension, SurveyInvitation, SurveyResponse
from tickets.models import AgentProfile, Channel, Ticket

SATISFIED_FROM = 4
COMMENTS_SHOWN = 20
# Categories listed as hot topics (tickets opened per category, split by channel).
HOT_TOPICS_SHOWN = 10


def ratio(part: int, whole: int) -> float | None:
    """part / whole as a percentage, None when there is nothing to divide."""
    return round(100.0 * part / whole, 1) if whole else None


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class ReportFilters:
    """Which surveys a report covers. `date_to` is inclusive; days are in the viewer's time zone."""

    date_from: date | None = None
    date_to: date | None = None
    team_id: int | None = None
    agent_id: int | None = None
    category_id: int | None = None
    channel: str = ""
    language: str = ""

    def invitation_q(self, prefix: str = "") -> Q:
        conditions = Q()
        if self.date_from:
            conditions &= Q(**{f"{prefix}created_at__gte": _start_of(self.date_from)})
        if self.date_to:
            conditions &= Q(**{f"{prefix}created_at__lt": _start_of(self.date_to + timedelta(days=1))})
        for name in ("team_id", "agent_id", "category_id", "channel", "language"):
            value = getattr(self, name)
            if value:
                conditions &= Q(**{f"{prefix}{name}": value})
        return conditions

    def ticket_q(self) -> Q:
        """The same filters over tickets created in the period (for ticket counts and times)."""
        conditions = Q()
        if self.date_from:
            conditions &= Q(created_at__gte=_start_of(self.date_from))
        if self.date_to:
            conditions &= Q(created_at__lt=_start_of(self.date_to + timedelta(days=1)))
        mapping = {"team_id": "team_id", "agent_id": "assignee_id", "category_id": "category_id"}
        for name, column in mapping.items():
            if getattr(self, name):
                conditions &= Q(**{column: getattr(self, name)})
        for name in ("channel", "language"):
            if getattr(self, name):
                conditions &= Q(**{name: getattr(self, name)})
        return conditions

    def invitations(self) -> QuerySet[SurveyInvitation]:
        return SurveyInvitation.objects.filter(self.invitation_q())

    def responses(self) -> QuerySet[SurveyResponse]:
        return SurveyResponse.objects.filter(self.invitation_q("invitation__"))


def _response_aggregates() -> dict:
    return {
        "responses": Count("id"),
        "rated": Count("id", filter=Q(overall__isnull=False)),
        "satisfied": Count("id", filter=Q(overall__gte=SATISFIED_FROM)),
        **{f"avg_{dimension}": Avg(dimension) for dimension in RATED_DIMENSIONS},
    }


@dataclass(frozen=True)
class WeekPoint:
    week: date
    sent: int
    answered: int
    csat: float | None


@dataclass(frozen=True)
class ChannelRow:
    """Volume and satisfaction of one channel in the period (tickets opened there, surveys about them)."""

    channel: str
    label: str
    tickets: int
    sent: int
    answered: int
    csat: float | None


@dataclass(frozen=True)
class TopicRow:
    """A hot topic: tickets opened in the period in one category, in total and per channel."""

    category: str
    total: int
    by_channel: dict[str, int]


@dataclass(frozen=True)
class SatisfactionReport:
    filters: ReportFilters
    sent: int
    answered: int
    response_rate: float | None
    rated: int
    csat: float | None
    averages: dict[str, float | None]
    distribution: dict[int, int]
    solved_yes: int
    solved_answered: int
    solved_rate: float | None
    trend: list[WeekPoint]
    comments: list[SurveyResponse]
    channels: list[ChannelRow] = field(default_factory=list)
    topics: list[TopicRow] = field(default_factory=list)


def _weekly_trend(filters: ReportFilters) -> list[WeekPoint]:
    rows = (
        filters.invitations()
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values("week")
        .annotate(
            sent=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            rated=Count("response__overall"),
            satisfied=Count("id", filter=Q(response__overall__gte=SATISFIED_FROM)),
        )
        .order_by("week")
    )
    by_week = {timezone.localtime(row["week"]).date() if isinstance(row["week"], datetime) else row["week"]: row
               for row in rows}  # fmt: skip
    if not by_week:
        return []
    # Weeks without surveys still get a point, so the chart's time axis has no gaps.
    points, week, last = [], min(by_week), max(by_week)
    while week <= last:
        row = by_week.get(week, {"sent": 0, "answered": 0, "rated": 0, "satisfied": 0})
        points.append(WeekPoint(week, row["sent"], row["answered"], ratio(row["satisfied"], row["rated"])))
        week += timedelta(days=7)
    return points


def channel_breakdown(filters: ReportFilters) -> list[ChannelRow]:
    """Two queries: tickets opened and surveys (with ratings) per channel; channels with neither are left out."""
    tickets = dict(
        Ticket.objects.filter(filters.ticket_q()).order_by().values_list("channel").annotate(count=Count("id"))
    )
    surveys = {
        row["channel"]: row
        for row in filters.invitations()
        .order_by()
        .values("channel")
        .annotate(
            sent=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            rated=Count("response__overall"),
            satisfied=Count("id", filter=Q(response__overall__gte=SATISFIED_FROM)),
        )
    }
    empty = {"sent": 0, "answered": 0, "rated": 0, "satisfied": 0}
    return [
        ChannelRow(
            channel=channel,
            label=str(label),
            tickets=tickets.get(channel, 0),
            sent=surveys.get(channel, empty)["sent"],
            answered=surveys.get(channel, empty)["answered"],
            csat=ratio(surveys.get(channel, empty)["satisfied"], surveys.get(channel, empty)["rated"]),
        )
        for channel, label in Channel.choices
        if channel in tickets or channel in surveys
    ]


def hot_topics(filters: ReportFilters, *, limit: int = HOT_TOPICS_SHOWN) -> list[TopicRow]:
    """One query: the categories with the most tickets opened in the period, each split by channel."""
    totals: dict[str, dict[str, int]] = {}
    rows = (
        Ticket.objects.filter(filters.ticket_q())
        .order_by()
        .values_list("category__name", "channel")
        .annotate(count=Count("id"))
    )
    for category, channel, count in rows:
        totals.setdefault(category or "", {})[channel] = count
    ranked = sorted(totals.items(), key=lambda item: (-sum(item[1].values()), item[0]))[:limit]
    return [TopicRow(category=name, total=sum(counts.values()), by_channel=counts) for name, counts in ranked]


def satisfaction_report(filters: ReportFilters) -> SatisfactionReport:
    """Seven queries: invitation counts, answer aggregates, weekly trend, latest comments, the channel
    breakdown (two) and the hot topics."""
    counts = (
        filters.invitations()
        .order_by()
        .aggregate(sent=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
    )
    answers = (
        filters.responses()
        .order_by()
        .aggregate(
            **_response_aggregates(),
            **{f"score_{score}": Count("id", filter=Q(overall=score)) for score in range(RATING_MIN, RATING_MAX + 1)},
            solved_yes=Count("id", filter=Q(problem_solved=True)),
            solved_answered=Count("id", filter=Q(problem_solved__isnull=False)),
        )
    )
    comments = list(
        filters.responses()
        .exclude(comment="")
        .select_related("invitation__agent", "invitation__team")
        .order_by("-submitted_at", "-id")[:COMMENTS_SHOWN]
    )
    return SatisfactionReport(
        filters=filters,
        sent=counts["sent"],
        answered=counts["answered"],
        response_rate=ratio(counts["answered"], counts["sent"]),
        rated=answers["rated"],
        csat=ratio(answers["satisfied"], answers["rated"]),
        averages={dimension: _rounded(answers[f"avg_{dimension}"]) for dimension in RATED_DIMENSIONS},
        distribution={score: answers[f"score_{score}"] for score in range(RATING_MIN, RATING_MAX + 1)},
        solved_yes=answers["solved_yes"],
        solved_answered=answers["solved_answered"],
        solved_rate=ratio(answers["solved_yes"], answers["solved_answered"]),
        trend=_weekly_trend(filters),
        comments=comments,
        channels=channel_breakdown(filters),
        topics=hot_topics(filters),
    )


# Agent scorecard -------------------------------------------------------------


@dataclass
class ScorecardRow:
    agent_id: int
    name: str
    team_name: str
    responses: int = 0
    rated: int = 0
    csat: float | None = None
    averages: dict[str, float | None] = field(default_factory=dict)
    team_averages: dict[str, float | None] = field(default_factory=dict)
    tickets: int = 0
    solved: int = 0
    median_first_response: timedelta | None = None
    median_resolution: timedelta | None = None
    top_performer: bool = False
    training_dimensions: list[str] = field(default_factory=list)


def _median(durations: list[timedelta]) -> timedelta | None:
    return statistics.median(durations) if durations else None


def _agents(filters: ReportFilters, agent_ids: list[int] | None) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(user id, display name, [(team id, team name)]) for active agents, one query."""
    memberships = AgentProfile.teams.through.objects.filter(agentprofile__user__is_active=True)
    profiles = AgentProfile.objects.filter(user__is_active=True)
    if agent_ids is not None:
        memberships = memberships.filter(agentprofile__user_id__in=agent_ids)
        profiles = profiles.filter(user_id__in=agent_ids)
    if filters.team_id:
        profiles = profiles.filter(teams=filters.team_id)
    if filters.agent_id:
        profiles = profiles.filter(user_id=filters.agent_id)
    teams: dict[int, list[tuple[int, str]]] = {}
    for user_id, team_id, team_name in memberships.order_by("team__name").values_list(
        "agentprofile__user_id", "team_id", "team__name"
    ):
        teams.setdefault(user_id, []).append((team_id, team_name))
    rows = profiles.order_by("user__username").values_list(
        "user_id", "user__username", "user__first_name", "user__last_name"
    )
    return [
        (user_id, f"{first} {last}".strip() or username, teams.get(user_id, []))
        for user_id, username, first, last in rows
    ]


def agent_scorecard(filters: ReportFilters, *, agent_ids: list[int] | None = None) -> list[ScorecardRow]:
    """Per agent: CSAT, dimension averages against their team's, ticket counts, median times, flags.

    `agent_ids=None` means every agent (supervisors and managers); an agent's own
    view passes [their id]. Five queries whatever the number of agents or answers.
    """
    agents = _agents(filters, agent_ids)
    ids = [agent_id for agent_id, _name, _teams in agents]
    by_agent = {
        row["invitation__agent_id"]: row
        for row in filters.responses()
        .filter(invitation__agent_id__in=ids)
        .order_by()
        .values("invitation__agent_id")
        .annotate(**_response_aggregates())
    }
    by_team = {
        row["invitation__team_id"]: row
        for row in filters.responses()
        .order_by()
        .values("invitation__team_id")
        .annotate(**{f"avg_{dimension}": Avg(dimension) for dimension in RATED_DIMENSIONS})
    }
    times: dict[int, dict[str, list]] = {agent_id: {"tickets": [], "first": [], "resolution": []} for agent_id in ids}
    ticket_rows = Ticket.objects.filter(filters.ticket_q(), assignee_id__in=ids).values_list(
        "assignee_id", "created_at", "first_response_at", "resolved_at"
    )
    for assignee_id, created_at, first_response_at, resolved_at in ticket_rows:
        bucket = times[assignee_id]
        bucket["tickets"].append(1)
        if first_response_at:
            bucket["first"].append(first_response_at - created_at)
        if resolved_at:
            bucket["resolution"].append(resolved_at - created_at)

    scorecard = []
    for agent_id, name, teams in agents:
        home_team_id, home_team_name = next(
            ((team_id, team_name) for team_id, team_name in teams if team_id == filters.team_id),
            teams[0] if teams else (None, ""),
        )
        answers = by_agent.get(agent_id, {})
        team_answers = by_team.get(home_team_id, {})
        row = ScorecardRow(
            agent_id=agent_id,
            name=name,
            team_name=home_team_name,
            responses=answers.get("responses", 0),
            rated=answers.get("rated", 0),
            csat=ratio(answers.get("satisfied", 0), answers.get("rated", 0)),
            averages={dimension: _rounded(answers.get(f"avg_{dimension}")) for dimension in RATED_DIMENSIONS},
            team_averages={dimension: _rounded(team_answers.get(f"avg_{dimension}")) for dimension in RATED_DIMENSIONS},
            tickets=len(times[agent_id]["tickets"]),
            solved=len(times[agent_id]["resolution"]),
            median_first_response=_median(times[agent_id]["first"]),
            median_resolution=_median(times[agent_id]["resolution"]),
        )
        _flag(row)
        scorecard.append(row)
    return scorecard


def _flag(row: ScorecardRow) -> None:
    """Top performers (reward list) and dimensions below the training threshold, on enough answers."""
    if row.rated < settings.FEEDBACK_SCORECARD_MIN_RESPONSES:
        return
    row.top_performer = row.csat is not None and row.csat >= settings.FEEDBACK_TOP_PERFORMER_CSAT
    row.training_dimensions = [
        dimension
        for dimension in RATED_DIMENSIONS
        if row.averages.get(dimension) is not None and row.averages[dimension] < settings.FEEDBACK_TRAINING_THRESHOLD
    ]


DIMENSION_LABELS = {dimension: Dimension(dimension).label for dimension in RATED_DIMENSIONS}
