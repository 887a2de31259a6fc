"""Courses mandatory by role: the daily rules and the team matrix honour role + team + tier together."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from knowledge.models import TrainingAssignment, TrainingCourse
from knowledge.services import training
from knowledge.training_selectors import Scope, is_mandatory_for, training_matrix
from supportdesk.roles import AGENT, MANAGER, SUPERVISOR
from tests import factories

pytestmark = pytest.mark.django_db


def _roles(*names: str) -> list[Group]:
    return list(Group.objects.filter(name__in=names))


def _mandatory(title: str, *, roles=(), teams=(), tier: str = "") -> TrainingCourse:
    course = factories.TrainingCourseFactory(title=title, is_mandatory=True, mandatory_tier=tier)
    course.mandatory_roles.set(_roles(*roles))
    course.mandatory_teams.set(teams)
    return course


def _courses_of(user) -> set[str]:
    return set(TrainingAssignment.objects.filter(agent=user).values_list("course__title", flat=True))


@pytest.mark.parametrize(
    ("course", "agent", "binds"),
    [
        (Scope(frozenset(), frozenset(), ""), Scope(frozenset({1}), frozenset({7}), "L1"), True),
        (Scope(frozenset(), frozenset({8}), ""), Scope(frozenset({1}), frozenset({7}), "L1"), False),
        (Scope(frozenset({1, 2}), frozenset({7, 8}), "L1"), Scope(frozenset({2}), frozenset({8}), "L1"), True),
        (Scope(frozenset({1}), frozenset({7}), "L2"), Scope(frozenset({1}), frozenset({7}), "L1"), False),
        (Scope(frozenset({3}), frozenset({7}), ""), Scope(frozenset({1}), frozenset({7}), "L1"), False),
    ],
)
def test_a_course_binds_only_when_team_role_and_tier_all_match(course, agent, binds):
    assert is_mandatory_for(course, agent) is binds


def test_a_course_mandatory_for_supervisors_reaches_supervisors_only_and_once(agent, supervisor, manager):
    _mandatory("Coaching conversations", roles=[SUPERVISOR])

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
    _mandatory("Smart-contract triage", roles=[AGENT], teams=[team], tier="L2")
    _mandatory("Escalation desk", roles=[AGENT, SUPERVISOR], teams=[team])

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
    _mandatory("Wallet basics")

    assert training.training_run_rules().mandatory == 0
    assert not TrainingAssignment.objects.filter(agent__in=[inactive, roleless, demoted]).exists()


def test_the_matrix_leaves_blank_what_a_role_does_not_require(agent, supervisor, team):
    _mandatory("Refund policy", roles=[AGENT])
    supervisors_only = _mandatory("Approvals", roles=[SUPERVISOR])
    _mandatory("Managers only", roles=[MANAGER])
    training.training_assign(agent=supervisor, course=supervisors_only, reason="mandatory")

    courses, rows = training_matrix(today=timezone.localdate())

    assert [course.title for course in courses] == ["Approvals", "Managers only", "Refund policy"]
    assert {row.name: [cell.state for cell in row.cells] for row in rows} == {
        "agent": ["", "", "missing"],
        "supervisor": ["due", "", ""],
    }


def test_a_course_form_offers_only_role_groups(client, supervisor):
    other_group = Group.objects.create(name="Book club")
    client.force_login(supervisor)
    add = reverse("admin:knowledge_trainingcourse_add")
    data = {
        "title": "Approvals",
        "topic": "compliance",
        "format": "self_study",
        "duration_minutes": 30,
        "due_days": 14,
        "is_mandatory": "on",
        "is_active": "on",
    }

    refused = client.post(add, {**data, "mandatory_roles": [other_group.pk]})
    saved = client.post(add, {**data, "mandatory_roles": [Group.objects.get(name=SUPERVISOR).pk]})

    assert refused.status_code == 200 and "mandatory_roles" in refused.context["adminform"].form.errors
    assert saved.status_code == 302
    course = TrainingCourse.objects.get()
    assert list(course.mandatory_roles.values_list("name", flat=True)) == [SUPERVISOR]
