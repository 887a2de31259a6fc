"""Training writes: assign, start, record a result, mark overdue, and the daily rules.

Every status change locks the assignment row and writes a TrainingEvent. The daily
rules are idempotent: an agent never gets a second open assignment for a course
(also enforced by the training_one_open_per_course constraint).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.reports import ReportFilters, agent_scorecard
from training.models import (
    ASSIGNMENT_TRANSITIONS,
    COACH_PERMISSION,
    OPEN_STATUSES,
    AssignmentReason,
    AssignmentStatus,
    TrainingAssignment,
    TrainingCourse,
    TrainingEvent,
    TrainingFormat,
)
from training.selectors import (
    agent_scope,
    course_scope,
    is_mandatory_for,
    mandatory_courses,
    trainable_agents,
)


def _today() -> date:
    return timezone.localdate()


def _event(assignment: TrainingAssignment, *, actor, note: str = "") -> None:
    TrainingEvent.objects.create(assignment=assignment, actor=actor, status=assignment.status, note=note[:255])


def _locked(assignment: TrainingAssignment) -> TrainingAssignment:
    return TrainingAssignment.objects.select_for_update().select_related("course").get(pk=assignment.pk)


def _move(assignment: TrainingAssignment, status: str) -> None:
    if status not in ASSIGNMENT_TRANSITIONS[assignment.status]:
        raise ValidationError(
            _("A training assignment cannot go from “%(old)s” to “%(new)s”.")
            % {"old": assignment.get_status_display(), "new": AssignmentStatus(status).label},
            code="invalid_transition",
        )
    assignment.status = status


@transaction.atomic
def training_assign(
    *,
    agent,
    course: TrainingCourse,
    reason: str,
    assigned_by=None,
    due_date: date | None = None,
    dimension: str = "",
    note: str = "",
) -> TrainingAssignment | None:
    """Assign a course; returns None when the agent already has it open (the rules' idempotency)."""
    if TrainingAssignment.objects.open().filter(agent=agent, course=course).exists():
        return None
    assignment = TrainingAssignment.objects.create(
        agent=agent,
        course=course,
        reason=reason,
        dimension=dimension,
        assigned_by=assigned_by,
        due_date=due_date or _today() + timedelta(days=course.due_days),
    )
    _event(assignment, actor=assigned_by, note=note)
    return assignment


@transaction.atomic
def training_start(*, assignment: TrainingAssignment, actor) -> TrainingAssignment:
    assignment = _locked(assignment)
    if assignment.agent_id != actor.pk:
        raise PermissionDenied
    _move(assignment, AssignmentStatus.IN_PROGRESS)
    assignment.save(update_fields=["status"])
    _event(assignment, actor=actor)
    return assignment


def _complete(assignment: TrainingAssignment, *, score: int | None, notes: str) -> None:
    _move(assignment, AssignmentStatus.COMPLETED)
    assignment.score = score
    assignment.completed_at = timezone.now()
    months = assignment.course.validity_months
    assignment.expires_on = _today() + relativedelta(months=months) if months else None
    if notes:
        assignment.notes = notes
    assignment.save(update_fields=["status", "score", "completed_at", "expires_on", "notes"])


@transaction.atomic
def training_complete_self_study(*, assignment: TrainingAssignment, actor, notes: str = "") -> TrainingAssignment:
    """An agent marks their own self-study course done."""
    assignment = _locked(assignment)
    if assignment.agent_id != actor.pk:
        raise PermissionDenied
    if assignment.course.format != TrainingFormat.SELF_STUDY:
        raise ValidationError(_("Quiz and workshop results are recorded by a supervisor."), code="needs_supervisor")
    _complete(assignment, score=None, notes=notes)
    _event(assignment, actor=actor, note=notes)
    return assignment


@transaction.atomic
def training_record_result(*, assignment: TrainingAssignment, actor, score: int, notes: str = "") -> TrainingAssignment:
    """A supervisor records a quiz or workshop score: passed (completed) or failed against the course's pass score."""
    if not actor.has_perm(COACH_PERMISSION) or assignment.agent_id == actor.pk:
        raise PermissionDenied
    if not 0 <= score <= 100:
        raise ValidationError({"score": _("A score is between 0 and 100.")}, code="score_range")
    assignment = _locked(assignment)
    pass_score = assignment.course.pass_score
    if pass_score is None or score >= pass_score:
        _complete(assignment, score=score, notes=notes)
    else:
        _move(assignment, AssignmentStatus.FAILED)
        assignment.score = score
        assignment.notes = notes or assignment.notes
        assignment.save(update_fields=["status", "score", "notes"])
    _event(assignment, actor=actor, note=_("score %(score)s") % {"score": score})
    return assignment


@transaction.atomic
def training_mark_overdue(*, today: date | None = None) -> int:
    """Flag assignments past their due date; returns how many were flagged."""
    today = today or _today()
    flagged = list(TrainingAssignment.objects.past_due(today).select_for_update())
    for assignment in flagged:
        assignment.status = AssignmentStatus.OVERDUE
        assignment.save(update_fields=["status"])
        _event(assignment, actor=None)
    return len(flagged)


@dataclass
class RulesResult:
    mandatory: int = 0
    refreshers: int = 0
    low_rating: int = 0
    overdue: int = 0


def _assign_mandatory(agents, today: date) -> int:
    """Every agent bound by a mandatory course holds a current certification of it or has it open.

    Never taken: onboarding for a new agent, mandatory otherwise; a certification that has
    already expired: a refresher; a failed attempt: taken again.
    """
    created = 0
    scopes = {course: course_scope(course) for course in mandatory_courses()}
    history = TrainingAssignment.objects.values_list("agent_id", "course_id")
    ever = set(history.distinct())
    covered = set(history.filter(Q(status__in=OPEN_STATUSES) | Q(pk__in=TrainingAssignment.objects.valid_on(today))))
    expired = set(history.filter(status=AssignmentStatus.COMPLETED, expires_on__lt=today))
    for agent in agents:
        scope = agent_scope(agent)
        for course, required in scopes.items():
            key = (agent.pk, course.pk)
            if key in covered or not is_mandatory_for(required, scope):
                continue
            if key in expired:
                reason = AssignmentReason.REFRESHER
            elif key not in ever and agent.date_joined.date() >= today - timedelta(
                days=settings.TRAINING_NEW_AGENT_DAYS
            ):
                reason = AssignmentReason.ONBOARDING
            else:
                reason = AssignmentReason.MANDATORY
            due = today + timedelta(days=course.due_days)
            created += training_assign(agent=agent, course=course, reason=reason, due_date=due) is not None
    return created


def _assign_refreshers(today: date) -> int:
    created = 0
    expiring = TrainingAssignment.objects.expiring_within(today, settings.TRAINING_REFRESHER_DAYS).filter(
        course__is_active=True, agent__is_active=True
    )
    # Only the latest certification matters: a newer completed or open one means the refresher is under way.
    newer = TrainingAssignment.objects.filter(
        Q(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.OVERDUE])
        | Q(status=AssignmentStatus.COMPLETED, expires_on__gt=today + timedelta(days=settings.TRAINING_REFRESHER_DAYS))
    ).values_list("agent_id", "course_id")
    covered = set(newer)
    for record in expiring.select_related("course", "agent"):
        if (record.agent_id, record.course_id) in covered:
            continue
        assignment = training_assign(
            agent=record.agent,
            course=record.course,
            reason=AssignmentReason.REFRESHER,
            due_date=record.expires_on,
        )
        if assignment:
            covered.add((record.agent_id, record.course_id))
            created += 1
    return created


def _assign_for_low_ratings(agents, today: date) -> int:
    courses = {
        course.coaches_dimension: course
        for course in TrainingCourse.objects.filter(is_active=True).exclude(coaches_dimension="").order_by("-id")
    }
    if not courses:
        return 0
    window_start = today - timedelta(days=settings.TRAINING_CSAT_WINDOW_DAYS)
    scorecard = agent_scorecard(ReportFilters(date_from=window_start), agent_ids=[agent.pk for agent in agents])
    # A course taken inside the window is not assigned again while the old answers still weigh on the average.
    recent = set(
        TrainingAssignment.objects.filter(
            Q(status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.OVERDUE])
            | Q(created_at__date__gte=window_start)
        ).values_list("agent_id", "course_id")
    )
    by_id = {agent.pk: agent for agent in agents}
    created = 0
    for row in scorecard:
        for dimension in row.training_dimensions:
            course = courses.get(dimension)
            if course is None or (row.agent_id, course.pk) in recent:
                continue
            assignment = training_assign(
                agent=by_id[row.agent_id],
                course=course,
                reason=AssignmentReason.LOW_RATING,
                dimension=dimension,
                due_date=today + timedelta(days=course.due_days),
                note=_("average %(dimension)s rating %(average)s over %(count)s answers")
                % {"dimension": dimension, "average": row.averages[dimension], "count": row.rated},
            )
            if assignment:
                recent.add((row.agent_id, course.pk))
                created += 1
    return created


def training_run_rules(*, today: date | None = None) -> RulesResult:
    """The daily rules; each is its own transaction, and running them twice assigns nothing new."""
    today = today or _today()
    agents = list(trainable_agents())
    result = RulesResult()
    result.overdue = training_mark_overdue(today=today)
    with transaction.atomic():
        result.mandatory = _assign_mandatory(agents, today)
    with transaction.atomic():
        result.refreshers = _assign_refreshers(today)
    with transaction.atomic():
        result.low_rating = _assign_for_low_ratings(agents, today)
    return result


@transaction.atomic
def training_course_save(*, course: TrainingCourse) -> TrainingCourse:
    """Create or edit a course (the admin saves its many-to-many fields afterwards)."""
    course.full_clean()
    course.save()
    return course
