"""Assignment status transitions, results against the pass score, who may record what; courses mandatory by role."""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from supportdesk.roles import AGENT, SUPERVISOR
from tests import factories
from training.models import AssignmentStatus, TrainingAssignment
from training.services import training

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return factories.TrainingCourseFactory(format="quiz", pass_score=80, validity_months=6)


def _assign(agent, course):
    return training.training_assign(agent=agent, course=course, reason="manual")


def test_assigning_an_open_course_again_returns_none(agent, quiz):
    assert _assign(agent, quiz) is not None
    assert _assign(agent, quiz) is None
    assert TrainingAssignment.objects.count() == 1


def test_an_agent_starts_and_completes_their_own_self_study(agent):
    assignment = _assign(agent, factories.TrainingCourseFactory(validity_months=None))
    training.training_start(assignment=assignment, actor=agent)
    done = training.training_complete_self_study(assignment=assignment, actor=agent, notes="read all articles")

    assert (done.status, done.expires_on, done.notes) == (AssignmentStatus.COMPLETED, None, "read all articles")
    assert done.completed_at is not None
    assert list(done.events.values_list("status", flat=True)) == ["assigned", "in_progress", "completed"]


def test_nobody_completes_someone_elses_self_study(agent, other_agent):
    assignment = _assign(agent, factories.TrainingCourseFactory())
    with pytest.raises(PermissionDenied):
        training.training_complete_self_study(assignment=assignment, actor=other_agent)


def test_an_agent_cannot_self_complete_a_quiz(agent, quiz):
    with pytest.raises(ValidationError) as error:
        training.training_complete_self_study(assignment=_assign(agent, quiz), actor=agent)
    assert factories.error_codes(error.value) == {"needs_supervisor"}


def test_a_supervisor_records_a_pass_with_an_expiry_date(agent, supervisor, quiz):
    passed = training.training_record_result(assignment=_assign(agent, quiz), actor=supervisor, score=80)
    assert (passed.status, passed.score) == (AssignmentStatus.COMPLETED, 80)
    assert passed.expires_on == timezone.localdate() + relativedelta(months=6)


def test_a_score_below_the_pass_score_fails_and_a_new_attempt_can_be_assigned(agent, supervisor, quiz):
    failed = training.training_record_result(assignment=_assign(agent, quiz), actor=supervisor, score=79)
    assert (failed.status, failed.expires_on) == (AssignmentStatus.FAILED, None)
    assert _assign(agent, quiz) is not None


def test_agents_cannot_record_results_and_scores_are_bounded(agent, other_agent, supervisor, quiz):
    assignment = _assign(agent, quiz)
    with pytest.raises(PermissionDenied):
        training.training_record_result(assignment=assignment, actor=other_agent, score=100)
    with pytest.raises(ValidationError):
        training.training_record_result(assignment=assignment, actor=supervisor, score=101)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED


def test_finished_assignments_do_not_move_again(agent, supervisor, quiz):
    assignment = training.training_record_result(assignment=_assign(agent, quiz), actor=supervisor, score=95)
    with pytest.raises(ValidationError) as error:
        training.training_record_result(assignment=assignment, actor=supervisor, score=10)
    assert factories.error_codes(error.value) == {"invalid_transition"}


def test_agents_see_only_their_own_records_and_coaches_see_all(agent, other_agent, supervisor, manager, quiz):
    mine = _assign(agent, quiz)
    _assign(other_agent, quiz)
    assert list(TrainingAssignment.objects.visible_to(agent)) == [mine]
    assert TrainingAssignment.objects.visible_to(supervisor).count() == 2
    assert TrainingAssignment.objects.visible_to(manager).count() == 2


# Courses mandatory by role: the daily rules honour role + team + tier together ----------------------


def _courses_of(user) -> set[str]:
    return set(TrainingAssignment.objects.filter(agent=user).values_list("course__title", flat=True))


def test_a_course_mandatory_for_supervisors_reaches_supervisors_only_and_once(agent, supervisor, manager):
    factories.mandatory_course("Coaching conversations", roles=[SUPERVISOR])

    first = training.training_run_rules()
    second = training.training_run_rules()

    assert (first.mandatory, second.mandatory) == (1, 0)
    assert _courses_of(supervisor) == {"Coaching conversations"}
    assert _courses_of(agent) == set()
    assert _courses_of(manager) == set()  # no agent profile: not someone the rules train
    assert supervisor.training.get().events.count() == 1


def test_role_team_and_tier_are_required_together(team, other_team):
    l2_agent = factories.agent(teams=[team], tier="L2", username="l2_agent")
    l1_agent = factories.agent(teams=[team], tier="L1", username="l1_agent")
    l2_elsewhere = factories.agent(teams=[other_team], tier="L2", username="l2_elsewhere")
    l2_supervisor = factories.supervisor(teams=[team], tier="L2", username="l2_supervisor")
    factories.mandatory_course("Smart-contract triage", roles=[AGENT], teams=[team], tier="L2")
    factories.mandatory_course("Escalation desk", roles=[AGENT, SUPERVISOR], teams=[team])

    training.training_run_rules()

    assert _courses_of(l2_agent) == {"Smart-contract triage", "Escalation desk"}
    assert _courses_of(l1_agent) == {"Escalation desk"}
    assert _courses_of(l2_supervisor) == {"Escalation desk"}
    assert _courses_of(l2_elsewhere) == set()


def test_the_rules_skip_inactive_non_staff_and_roleless_users(team):
    inactive = factories.agent(teams=[team], username="left", is_active=False)
    roleless = factories.agent(teams=[team], username="roleless")
    roleless.groups.clear()
    demoted = factories.agent(teams=[team], username="demoted")
    demoted.is_staff = False
    demoted.save(update_fields=["is_staff"])
    factories.mandatory_course("Wallet basics")

    assert training.training_run_rules().mandatory == 0
    assert not TrainingAssignment.objects.filter(agent__in=[inactive, roleless, demoted]).exists()
