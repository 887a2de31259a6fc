"""Training reads for the back office: the team training matrix (agents × mandatory courses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from knowledge.training_models import AssignmentStatus, TrainingAssignment, TrainingCourse
from supportdesk.roles import AGENT

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


def is_mandatory_for(course: TrainingCourse, course_team_ids: set[int], team_ids: set[int], tier: str) -> bool:
    """A mandatory course binds an agent in one of its teams (any team if none) and of its tier (any if blank)."""
    in_team = not course_team_ids or bool(course_team_ids & team_ids)
    return in_team and (not course.mandatory_tier or course.mandatory_tier == tier)


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
    """Active agents (of a team) × active mandatory courses; four queries whatever the size.

    A cell is blank where the course is not mandatory for that agent's teams or tier.
    """
    courses = list(TrainingCourse.objects.filter(is_active=True, is_mandatory=True).prefetch_related("mandatory_teams"))
    agents = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=AGENT, agent_profile__isnull=False)
        .select_related("agent_profile")
        .prefetch_related("agent_profile__teams")
        .order_by("username")
        .distinct()
    )
    if team_id:
        agents = agents.filter(agent_profile__teams=team_id)
    agents = list(agents)
    latest: dict[tuple[int, int], TrainingAssignment] = {}
    # Oldest first, so the newest assignment of each agent and course wins.
    for assignment in TrainingAssignment.objects.filter(
        agent__in=[agent.pk for agent in agents], course__in=[course.pk for course in courses]
    ).order_by("created_at", "id"):
        latest[(assignment.agent_id, assignment.course_id)] = assignment
    course_teams = {course.pk: {team.pk for team in course.mandatory_teams.all()} for course in courses}
    rows = []
    for agent in agents:
        profile = agent.agent_profile
        team_ids = {team.pk for team in profile.teams.all()}
        cells = []
        for course in courses:
            applies = is_mandatory_for(course, course_teams[course.pk], team_ids, profile.tier)
            cells.append(_cell(latest.get((agent.pk, course.pk)), today) if applies else MatrixCell(""))
        rows.append(MatrixRow(agent.pk, agent.get_full_name() or agent.get_username(), cells))
    return courses, rows
