"""Training reads for the back office: who the rules consider, the team matrix, an agent's own training page,
and the monthly "top agents" ranking supervisors confirm as awards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from feedback.reports import ReportFilters, ScorecardRow, agent_scorecard
from supportdesk.roles import STAFF_ROLES
from training.models import (
    COACH_PERMISSION,
    OPEN_STATUSES,
    AgentAward,
    AssignmentStatus,
    TrainingAssignment,
    TrainingCourse,
    TrainingEvent,
)

CELL_LABELS = {
    "done": _("done"),
    "due": _("due"),
    "overdue": _("overdue"),
    "expired": _("expired"),
    "failed": _("failed"),
    "missing": _("not assigned"),
    "": "",
}


@dataclass(frozen=True)
class MatrixCell:
    state: str
    on: date | None = None

    @property
    def label(self) -> str:
        return CELL_LABELS[self.state]


@dataclass(frozen=True)
class MatrixRow:
    agent_id: int
    name: str
    cells: list[MatrixCell]


@dataclass(frozen=True)
class Scope:
    """Teams, role groups and tier: what a mandatory course requires (empty = any), or what an agent has."""

    team_ids: frozenset[int]
    role_ids: frozenset[int]
    tier: str


def trainable_agents() -> QuerySet:
    """Active staff in a support role with an agent profile: whom the rules and the matrix consider.

    Their teams and role groups are prefetched (see agent_scope), so any number of agents costs three queries.
    """
    user_model = get_user_model()
    in_a_role = user_model.groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=STAFF_ROLES)
    return (
        user_model.objects.filter(Exists(in_a_role), is_active=True, is_staff=True, agent_profile__isnull=False)
        .select_related("agent_profile")
        .prefetch_related(
            "agent_profile__teams",
            Prefetch("groups", queryset=Group.objects.filter(name__in=STAFF_ROLES), to_attr="role_groups"),
        )
        .order_by("username")
    )


def mandatory_courses() -> QuerySet[TrainingCourse]:
    return TrainingCourse.objects.filter(is_active=True, is_mandatory=True).prefetch_related(
        "mandatory_teams", "mandatory_roles"
    )


def course_scope(course: TrainingCourse) -> Scope:
    """Needs `mandatory_courses()`'s prefetches."""
    return Scope(
        team_ids=frozenset(team.pk for team in course.mandatory_teams.all()),
        role_ids=frozenset(group.pk for group in course.mandatory_roles.all()),
        tier=course.mandatory_tier,
    )


def agent_scope(agent) -> Scope:
    """Needs `trainable_agents()`'s prefetches."""
    profile = agent.agent_profile
    return Scope(
        team_ids=frozenset(team.pk for team in profile.teams.all()),
        role_ids=frozenset(group.pk for group in agent.role_groups),
        tier=profile.tier,
    )


def is_mandatory_for(course: Scope, agent: Scope) -> bool:
    """A mandatory course binds an agent in one of its teams, one of its roles and its tier; an empty one is any."""
    in_team = not course.team_ids or bool(course.team_ids & agent.team_ids)
    in_role = not course.role_ids or bool(course.role_ids & agent.role_ids)
    return in_team and in_role and (not course.tier or course.tier == agent.tier)


def _cell(latest: TrainingAssignment | None, today: date) -> MatrixCell:
    if latest is None:
        return MatrixCell("missing")
    if latest.status == AssignmentStatus.COMPLETED:
        if latest.expires_on and latest.expires_on < today:
            return MatrixCell("expired", latest.expires_on)
        return MatrixCell("done", latest.expires_on)
    if latest.status == AssignmentStatus.FAILED:
        return MatrixCell("failed")
    if latest.status == AssignmentStatus.OVERDUE:
        return MatrixCell("overdue", latest.due_date)
    return MatrixCell("due", latest.due_date)


def training_matrix(*, today: date, team_id: int | None = None) -> tuple[list[TrainingCourse], list[MatrixRow]]:
    """Trainable agents (of a team) × active mandatory courses; seven queries whatever the size.

    A cell is blank where the course is not mandatory for that agent's teams, roles or tier.
    """
    courses = list(mandatory_courses())
    agents = trainable_agents()
    if team_id:
        agents = agents.filter(agent_profile__teams=team_id)
    agents = list(agents)
    latest: dict[tuple[int, int], TrainingAssignment] = {}
    # Oldest first, so the newest assignment of each agent and course wins.
    for assignment in TrainingAssignment.objects.filter(
        agent__in=[agent.pk for agent in agents], course__in=[course.pk for course in courses]
    ).order_by("created_at", "id"):
        latest[(assignment.agent_id, assignment.course_id)] = assignment
    scopes = {course.pk: course_scope(course) for course in courses}
    rows = []
    for agent in agents:
        scope = agent_scope(agent)
        cells = [
            _cell(latest.get((agent.pk, course.pk)), today)
            if is_mandatory_for(scopes[course.pk], scope)
            else MatrixCell("")
            for course in courses
        ]
        rows.append(MatrixRow(agent.pk, agent.get_full_name() or agent.get_username(), cells))
    return courses, rows


# An agent's own training page ------------------------------------------------------


def training_agents_visible_to(viewer) -> QuerySet:
    """Whose training page a viewer may open: a coach any staff member's, everyone else only their own.

    The single authorization rule of the page: a view looks the agent up in this queryset (404 otherwise).
    """
    staff = get_user_model().objects.filter(is_staff=True).select_related("agent_profile")
    return staff if viewer.has_perm(COACH_PERMISSION) else staff.filter(pk=viewer.pk)


@dataclass(frozen=True)
class AgentTrainingPage:
    agent: object
    history: list[TrainingAssignment]
    open_assignments: list[TrainingAssignment]
    certifications: list[TrainingAssignment]
    scorecard: ScorecardRow | None
    awards: list[AgentAward]
    window_start: date


def _current_certifications(history: list[TrainingAssignment], today: date) -> list[TrainingAssignment]:
    """The newest completed, unexpired assignment of each course (a refresher replaces the old certificate)."""
    current: dict[int, TrainingAssignment] = {}
    for assignment in history:
        valid = assignment.status == AssignmentStatus.COMPLETED and (
            assignment.expires_on is None or assignment.expires_on >= today
        )
        if valid and assignment.course_id not in current:
            current[assignment.course_id] = assignment
    return sorted(current.values(), key=lambda assignment: (assignment.expires_on or date.max, assignment.course.title))


def agent_training_page(*, agent, today: date) -> AgentTrainingPage:
    """Everything on an agent's training page; a fixed number of queries whatever the number of assignments."""
    history = list(
        TrainingAssignment.objects.filter(agent=agent)
        .select_related("course", "assigned_by")
        .prefetch_related(
            Prefetch("events", queryset=TrainingEvent.objects.select_related("actor").order_by("-created_at", "-id"))
        )
        .order_by("-created_at", "-id")
    )
    window_start = today - timedelta(days=settings.TRAINING_CSAT_WINDOW_DAYS)
    scorecard = agent_scorecard(ReportFilters(date_from=window_start), agent_ids=[agent.pk])
    return AgentTrainingPage(
        agent=agent,
        history=history,
        open_assignments=sorted(
            (assignment for assignment in history if assignment.status in OPEN_STATUSES),
            key=lambda assignment: (assignment.due_date, assignment.pk),
        ),
        certifications=_current_certifications(history, today),
        scorecard=scorecard[0] if scorecard else None,
        awards=list(AgentAward.objects.filter(agent=agent).standing().select_related("confirmed_by")),
        window_start=window_start,
    )


# The monthly "top agents" ranking, built on feedback's agent scorecard ---------------
# How the ranking works (also explained on the page): over the surveys sent in the calendar
# month, agents with at least TRAINING_AWARD_MIN_RESPONSES answers that rated the service
# overall are ranked by CSAT (share of 4–5 overall ratings); equal CSAT is decided by the
# number of tickets solved (created in the month, assigned to the agent). Agents equal on
# both share a rank. The first TRAINING_AWARD_PLACES ranks can be confirmed as awards, if the
# agent's CSAT is at least FEEDBACK_TOP_PERFORMER_CSAT (a small team's third place may be an agent
# being coached, not rewarded).


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(month: date) -> date:
    return first_of_month(month) + relativedelta(months=1, days=-1)


@dataclass(frozen=True)
class TopAgent:
    rank: int
    row: ScorecardRow
    award: AgentAward | None
    in_award_places: bool


@dataclass(frozen=True)
class TopAgents:
    month: date
    ranked: list[TopAgent]
    too_few_answers: int
    min_responses: int
    places: int
    min_csat: float

    def entry_for(self, agent_id: int) -> TopAgent | None:
        return next((entry for entry in self.ranked if entry.row.agent_id == agent_id), None)


def _ranking_key(row: ScorecardRow) -> tuple[float, int]:
    return (row.csat, row.solved)


def top_agents(*, month: date) -> TopAgents:
    """Ranked agents of a calendar month with their confirmed awards; six queries whatever the team size."""
    month = first_of_month(month)
    rows = agent_scorecard(ReportFilters(date_from=month, date_to=last_of_month(month)))
    minimum, places = settings.TRAINING_AWARD_MIN_RESPONSES, settings.TRAINING_AWARD_PLACES
    eligible = [row for row in rows if row.rated >= minimum and row.csat is not None]
    eligible.sort(key=lambda row: (-row.csat, -row.solved, row.name))
    awards = {award.agent_id: award for award in AgentAward.objects.filter(month=month).select_related("confirmed_by")}
    ranked: list[TopAgent] = []
    for position, row in enumerate(eligible, start=1):
        # Competition ranking ("1, 2, 2, 4"): equal CSAT and solved volume share the better rank.
        tied = ranked and _ranking_key(ranked[-1].row) == _ranking_key(row)
        rank = ranked[-1].rank if tied else position
        in_places = rank <= places and row.csat >= settings.FEEDBACK_TOP_PERFORMER_CSAT
        ranked.append(TopAgent(rank, row, awards.get(row.agent_id), in_award_places=in_places))
    return TopAgents(
        month=month,
        ranked=ranked,
        too_few_answers=sum(1 for row in rows if 0 < row.rated < minimum),
        min_responses=minimum,
        places=places,
        min_csat=settings.FEEDBACK_TOP_PERFORMER_CSAT,
    )
