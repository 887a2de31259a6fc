"""The daily training rules: mandatory/onboarding, refreshers before expiry, low ratings, overdue; idempotent."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_q.models import Schedule

from tests import factories
from training.models import AssignmentReason, AssignmentStatus, TrainingAssignment
from training.services import training
from training.tasks import run_training_rules

pytestmark = pytest.mark.django_db


def test_the_daily_schedule_exists():
    assert Schedule.objects.get(func="training.tasks.run_training_rules").schedule_type == "D"


def test_mandatory_courses_go_to_new_agents_as_onboarding_once(agent, supervisor, team, other_team):
    everyone = factories.TrainingCourseFactory(is_mandatory=True, title="Wallet basics")
    security_only = factories.TrainingCourseFactory(is_mandatory=True, title="Phishing")
    security_only.mandatory_teams.set([other_team])
    l2_only = factories.TrainingCourseFactory(is_mandatory=True, mandatory_tier="L2")

    first = run_training_rules()
    second = run_training_rules()

    # A course without roles binds every support role: the supervisor (team L1 General, tier L1) gets it too.
    assignment = TrainingAssignment.objects.get(agent=agent)
    assert (assignment.course, assignment.reason) == (everyone, AssignmentReason.ONBOARDING)
    assert assignment.due_date == timezone.localdate() + timedelta(days=everyone.due_days)
    assert assignment.events.get().status == AssignmentStatus.ASSIGNED
    assert list(TrainingAssignment.objects.filter(agent=supervisor).values_list("course", flat=True)) == [everyone.pk]
    assert (first["mandatory"], second["mandatory"]) == (2, 0)
    assert not l2_only.assignments.exists()


def test_a_long_serving_agent_gets_a_newly_mandatory_course_as_mandatory(agent):
    agent.date_joined = timezone.now() - timedelta(days=400)
    agent.save(update_fields=["date_joined"])
    factories.TrainingCourseFactory(is_mandatory=True)
    run_training_rules()
    assert TrainingAssignment.objects.get().reason == AssignmentReason.MANDATORY


def test_a_refresher_is_assigned_before_the_certification_expires_and_only_once(agent, supervisor):
    course = factories.TrainingCourseFactory(format="quiz", pass_score=80, validity_months=12)
    record = training.training_assign(agent=agent, course=course, reason=AssignmentReason.MANUAL)
    training.training_record_result(assignment=record, actor=supervisor, score=90)
    record.refresh_from_db()
    assert record.expires_on is not None

    far = training.training_run_rules(today=record.expires_on - timedelta(days=31))
    near = training.training_run_rules(today=record.expires_on - timedelta(days=30))
    again = training.training_run_rules(today=record.expires_on - timedelta(days=29))

    assert (far.refreshers, near.refreshers, again.refreshers) == (0, 1, 0)
    refresher = TrainingAssignment.objects.exclude(pk=record.pk).get()
    assert (refresher.reason, refresher.due_date) == (AssignmentReason.REFRESHER, record.expires_on)


@override_settings(FEEDBACK_TRAINING_THRESHOLD=3.5, FEEDBACK_SCORECARD_MIN_RESPONSES=5)
def test_poor_attitude_over_enough_answers_assigns_the_communication_course_once(agent, other_agent):
    course = factories.TrainingCourseFactory(topic="communication", coaches_dimension="attitude")
    factories.TrainingCourseFactory(coaches_dimension="speed")
    factories.low_ratings(agent=agent, count=5, attitude=2, speed=5)
    factories.low_ratings(agent=other_agent, count=4, attitude=1, speed=5)

    first = run_training_rules()
    second = run_training_rules()

    assignment = TrainingAssignment.objects.get()
    assert (assignment.agent, assignment.course) == (agent, course)
    assert (assignment.reason, assignment.dimension) == (AssignmentReason.LOW_RATING, "attitude")
    assert (first["low_rating"], second["low_rating"]) == (1, 0)


@override_settings(FEEDBACK_TRAINING_THRESHOLD=3.5, FEEDBACK_SCORECARD_MIN_RESPONSES=5)
def test_ratings_at_the_threshold_or_outside_the_window_assign_nothing(agent, other_agent):
    factories.TrainingCourseFactory(coaches_dimension="attitude")
    factories.low_ratings(agent=agent, count=6, attitude=4, overall=4)
    factories.low_ratings(agent=other_agent, count=6, attitude=1)
    factories.low_ratings(agent=agent, count=1, attitude=1)  # 6×4 + 1 = 25/7 ≈ 3.57: still above
    later = timezone.localdate() + timedelta(days=200)

    assert training.training_run_rules(today=later).low_rating == 0
    assert not TrainingAssignment.objects.filter(agent=agent).exists()


@override_settings(FEEDBACK_TRAINING_THRESHOLD=3.5, FEEDBACK_SCORECARD_MIN_RESPONSES=5)
def test_a_completed_coaching_course_is_not_reassigned_inside_the_window(agent):
    factories.TrainingCourseFactory(coaches_dimension="attitude")
    factories.low_ratings(agent=agent, count=5, attitude=1)
    run_training_rules()
    assignment = TrainingAssignment.objects.get()
    training.training_complete_self_study(assignment=assignment, actor=agent)

    assert run_training_rules()["low_rating"] == 0
    assert TrainingAssignment.objects.count() == 1


def test_past_due_assignments_are_flagged_overdue_once(agent):
    course = factories.TrainingCourseFactory()
    assignment = training.training_assign(
        agent=agent, course=course, reason="manual", due_date=timezone.localdate() - timedelta(days=1)
    )
    on_time = training.training_assign(agent=agent, course=factories.TrainingCourseFactory(), reason="manual")

    assert run_training_rules()["overdue"] == 1
    assert run_training_rules()["overdue"] == 0
    assignment.refresh_from_db()
    on_time.refresh_from_db()
    assert (assignment.status, on_time.status) == (AssignmentStatus.OVERDUE, AssignmentStatus.ASSIGNED)
    assert list(assignment.events.values_list("status", flat=True)) == ["assigned", "overdue"]


def test_an_already_expired_mandatory_certification_gets_a_refresher_once(agent, supervisor):
    course = factories.TrainingCourseFactory(is_mandatory=True, format="quiz", pass_score=80, validity_months=12)
    course.mandatory_roles.set([])
    record = training.training_assign(agent=agent, course=course, reason=AssignmentReason.MANUAL)
    training.training_record_result(assignment=record, actor=supervisor, score=90)
    record.refresh_from_db()
    later = record.expires_on + timedelta(days=10)  # expired before the rules saw it (e.g. the agent was away)
    TrainingAssignment.objects.filter(agent=supervisor).delete()

    first = training.training_run_rules(today=later)
    second = training.training_run_rules(today=later)

    renewed = TrainingAssignment.objects.filter(agent=agent).exclude(pk=record.pk).get()
    assert renewed.reason == AssignmentReason.REFRESHER
    assert renewed.status == AssignmentStatus.ASSIGNED
    assert second.mandatory == 0 and first.mandatory >= 1


def test_a_failed_mandatory_quiz_is_assigned_again_to_retake(agent, supervisor):
    course = factories.TrainingCourseFactory(is_mandatory=True, format="quiz", pass_score=80)
    run_training_rules()
    attempt = TrainingAssignment.objects.get(agent=agent, course=course)
    training.training_record_result(assignment=attempt, actor=supervisor, score=40)

    run_training_rules()
    run_training_rules()

    retake = TrainingAssignment.objects.filter(agent=agent, course=course).exclude(pk=attempt.pk).get()
    assert (retake.reason, retake.status) == (AssignmentReason.MANDATORY, AssignmentStatus.ASSIGNED)
