"""Training admin: agents see and finish only their own, coaches record results, the team matrix, the course form."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supportdesk.roles import AGENT, SUPERVISOR
from tests import factories
from training.models import AssignmentStatus, TrainingAssignment, TrainingCourse
from training.services import training

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:training_trainingassignment_changelist")
MATRIX = reverse("admin:training_trainingassignment_matrix")


def _assign(agent, course):
    return training.training_assign(agent=agent, course=course, reason="manual")


def test_an_agent_lists_only_their_own_assignments_and_cannot_open_others(client, agent, other_agent):
    course = factories.TrainingCourseFactory(title="Wallet recovery")
    mine = _assign(agent, course)
    theirs = _assign(other_agent, course)
    client.force_login(agent)

    response = client.get(CHANGELIST)

    assert list(response.context["cl"].result_list) == [mine]
    assert client.get(reverse("admin:training_trainingassignment_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:training_trainingassignment_change", args=[theirs.pk])).status_code == 302


def test_an_agent_marks_their_self_study_done_from_the_list(client, agent, other_agent):
    course = factories.TrainingCourseFactory()
    mine = _assign(agent, course)
    theirs = _assign(other_agent, course)
    client.force_login(agent)

    client.post(CHANGELIST, {"action": "complete_self_study", "_selected_action": [mine.pk, theirs.pk]})

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (AssignmentStatus.COMPLETED, AssignmentStatus.ASSIGNED)


def test_a_supervisor_assigns_and_records_a_quiz_result(client, supervisor, agent):
    quiz = factories.TrainingCourseFactory(format="quiz", pass_score=70)
    client.force_login(supervisor)

    add = reverse("admin:training_trainingassignment_add")
    assert (
        client.post(
            add, {"agent": agent.pk, "course": quiz.pk, "due_date": "", "notes": "new wallet", **_no_inline()}
        ).status_code
        == 302
    )
    duplicate = client.post(add, {"agent": agent.pk, "course": quiz.pk, "due_date": "", "notes": "", **_no_inline()})
    assignment = TrainingAssignment.objects.get()
    change = reverse("admin:training_trainingassignment_change", args=[assignment.pk])
    client.post(change, {"score": 65, "notes": "missed the seed-phrase questions", **_no_inline()})

    assignment.refresh_from_db()
    assert duplicate.status_code == 200 and "already has this course open" in duplicate.content.decode()
    assert (assignment.assigned_by, assignment.status, assignment.score) == (supervisor, AssignmentStatus.FAILED, 65)


def _no_inline() -> dict:
    return {"events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0}


def test_the_matrix_is_for_coaches(client, agent, manager):
    client.force_login(agent)
    assert client.get(MATRIX).status_code == 403
    client.force_login(manager)
    assert client.get(MATRIX).status_code == 200


def test_the_matrix_shows_done_due_expired_and_not_assigned(client, supervisor, agent, other_agent, team, other_team):
    basics = factories.TrainingCourseFactory(is_mandatory=True, title="Basics")
    basics.mandatory_roles.set([Group.objects.get(name=AGENT)])
    coaching = factories.TrainingCourseFactory(is_mandatory=True, title="Coaching")
    coaching.mandatory_roles.set([Group.objects.get(name=SUPERVISOR)])
    security = factories.TrainingCourseFactory(is_mandatory=True, title="Security", validity_months=12)
    security.mandatory_teams.set([other_team])
    training.training_complete_self_study(assignment=_assign(agent, basics), actor=agent)
    expired = _assign(other_agent, security)
    training.training_complete_self_study(assignment=expired, actor=other_agent)
    TrainingAssignment.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    _assign(other_agent, basics)
    client.force_login(supervisor)

    response = client.get(MATRIX)
    rows = {row.name: [cell.state for cell in row.cells] for row in response.context["rows"]}

    assert [course.title for course in response.context["courses"]] == ["Basics", "Coaching", "Security"]
    assert rows == {
        "agent": ["done", "", ""],
        "other_agent": ["due", "", "expired"],
        "supervisor": ["", "missing", ""],
    }
    assert [row.name for row in client.get(MATRIX, {"team": team.pk}).context["rows"]] == ["agent", "supervisor"]


def test_the_matrix_costs_the_same_queries_for_1_or_20_agents(client, supervisor, team, django_assert_num_queries):
    courses = [factories.TrainingCourseFactory(is_mandatory=True) for _n in range(3)]
    client.force_login(supervisor)

    _assign(factories.agent(teams=[team]), courses[0])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MATRIX).status_code == 200
    one = len(queries)
    for _n in range(19):
        _assign(factories.agent(teams=[team]), courses[1])
    with django_assert_num_queries(one):
        client.get(MATRIX)


def test_a_course_form_offers_only_role_groups(client, supervisor):
    other_group = Group.objects.create(name="Book club")
    client.force_login(supervisor)
    add = reverse("admin:training_trainingcourse_add")
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
