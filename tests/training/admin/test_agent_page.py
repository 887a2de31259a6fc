"""An agent's training page: who may open it, what it shows, the agent's own buttons, constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from training.models import AgentAward, AssignmentStatus, TrainingAssignment
from training.services import training

pytestmark = pytest.mark.django_db


def page_url(user) -> str:
    return reverse("admin:training_trainingassignment_agent", args=[user.pk])


def _assign(agent, course, **kwargs):
    return training.training_assign(agent=agent, course=course, reason="manual", **kwargs)


# Who may open whose page -----------------------------------------------------------------


def test_an_agent_opens_their_own_page_but_not_another_agents(client, agent, other_agent):
    client.force_login(agent)

    assert client.get(page_url(agent)).status_code == 200
    assert client.get(page_url(other_agent)).status_code == 404
    assert client.get(reverse("admin:training_trainingassignment_agent", args=[999999])).status_code == 404


@pytest.mark.parametrize("coach", ["supervisor", "manager"])
def test_coaches_open_any_agents_page(client, request, agent, coach):
    client.force_login(request.getfixturevalue(coach))

    response = client.get(page_url(agent))

    assert response.status_code == 200
    assert response.context["is_own"] is False
    assert response.context["page"].agent == agent


def test_customers_and_visitors_do_not_get_in(client, agent, customer_user):
    assert client.get(page_url(agent)).status_code == 302  # to the admin login
    client.force_login(customer_user)
    assert client.get(page_url(agent)).status_code == 302


# What the page shows ---------------------------------------------------------------------


@override_settings(FEEDBACK_TRAINING_THRESHOLD=3.5, FEEDBACK_SCORECARD_MIN_RESPONSES=5, TRAINING_CSAT_WINDOW_DAYS=30)
def test_the_page_shows_history_certifications_open_work_ratings_and_awards(client, agent, teammate, supervisor, team):
    today = timezone.localdate()
    quiz = factories.TrainingCourseFactory(title="Phishing quiz", format="quiz", pass_score=70, validity_months=12)
    old_cert = factories.TrainingCourseFactory(title="Old security", validity_months=1)
    reading = factories.TrainingCourseFactory(title="Gas fees explained")
    passed = training.training_record_result(assignment=_assign(agent, quiz), actor=supervisor, score=88)
    expired = training.training_complete_self_study(assignment=_assign(agent, old_cert), actor=agent)
    TrainingAssignment.objects.filter(pk=expired.pk).update(expires_on=today - timedelta(days=1))
    open_reading = _assign(agent, reading, due_date=today + timedelta(days=3))
    training.training_start(assignment=open_reading, actor=agent)
    _assign(teammate, reading)
    factories.rated_answers(agent=agent, team=team, count=5, overall=4, attitude=2, speed=4, professionalism=5)
    factories.rated_answers(agent=teammate, team=team, count=5, overall=5, attitude=4, speed=4, professionalism=4)
    long_ago = timezone.now() - timedelta(days=40)
    factories.rated_answers(agent=agent, team=team, count=3, overall=1, attitude=1, at=long_ago)
    AgentAward.objects.create(
        agent=agent, month=today.replace(day=1) - timedelta(days=40), rank=1, csat=97.5, responses=40, tickets=55,
        citation="Calm under pressure", confirmed_by=supervisor,
    )  # fmt: skip
    client.force_login(agent)

    response = client.get(page_url(agent))
    page = response.context["page"]
    dimensions = {str(row["label"]): row for row in response.context["dimensions"]}
    html = response.content.decode()

    assert [a.course.title for a in page.history] == ["Gas fees explained", "Old security", "Phishing quiz"]
    assert [event.status for event in page.history[0].events.all()] == ["in_progress", "assigned"]
    assert [(a.course.title, a.expires_on) for a in page.certifications] == [("Phishing quiz", passed.expires_on)]
    assert [assignment.pk for assignment in page.open_assignments] == [open_reading.pk]
    assert (page.scorecard.rated, page.scorecard.csat) == (5, 100.0)  # the 40-day-old answers are outside the window
    assert (dimensions["Attitude"]["agent"], dimensions["Attitude"]["team"], dimensions["Attitude"]["below"]) == (
        2.0, 3.0, True,
    )  # fmt: skip
    assert dimensions["Speed"]["below"] is False
    assert response.context["threshold"] == 3.5
    assert [award.citation for award in page.awards] == ["Calm under pressure"]
    assert "Mark self-study done" in html and "Calm under pressure" in html and "88" in html


def test_a_coach_sees_the_page_without_the_agents_buttons(client, agent, supervisor):
    _assign(agent, factories.TrainingCourseFactory(title="Gas fees explained"))
    client.force_login(supervisor)

    html = client.get(page_url(agent)).content.decode()

    assert "Gas fees explained" in html
    assert 'value="complete"' not in html and 'value="start"' not in html


def test_the_page_costs_the_same_queries_for_1_or_20_assignments(client, agent, supervisor, django_assert_num_queries):
    def add_assignment():
        assignment = _assign(agent, factories.TrainingCourseFactory(format="quiz", validity_months=6))
        training.training_record_result(assignment=assignment, actor=supervisor, score=90)
        month = timezone.localdate().replace(day=1) - timedelta(days=31 * (1 + AgentAward.objects.count()))
        AgentAward.objects.create(
            agent=agent, month=month, rank=1, csat=95.0, responses=20, tickets=30, confirmed_by=supervisor
        )

    add_assignment()
    client.force_login(agent)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_url(agent)).status_code == 200
    for _n in range(19):
        add_assignment()
    with django_assert_num_queries(len(queries)):
        response = client.get(page_url(agent))
    assert len(response.context["page"].history) == 20


# The agent's own buttons -------------------------------------------------------------------


def test_an_agent_starts_and_finishes_their_self_study_from_the_page(client, agent):
    assignment = _assign(agent, factories.TrainingCourseFactory(validity_months=12))
    client.force_login(agent)

    started = client.post(page_url(agent), {"action": "start", "assignment": assignment.pk})
    client.post(page_url(agent), {"action": "complete", "assignment": assignment.pk})

    assignment.refresh_from_db()
    assert started.status_code == 302 and started.url == page_url(agent)
    assert assignment.status == AssignmentStatus.COMPLETED and assignment.expires_on is not None
    assert list(assignment.events.order_by("id").values_list("status", "actor")) == [
        ("assigned", None), ("in_progress", agent.pk), ("completed", agent.pk),
    ]  # fmt: skip


def test_a_quiz_cannot_be_self_completed_from_the_page(client, agent):
    quiz = _assign(agent, factories.TrainingCourseFactory(format="quiz", pass_score=70))
    client.force_login(agent)

    response = client.post(page_url(agent), {"action": "complete", "assignment": quiz.pk}, follow=True)

    quiz.refresh_from_db()
    assert quiz.status == AssignmentStatus.ASSIGNED
    assert "recorded by a supervisor" in response.content.decode()


def test_nobody_acts_on_someone_elses_assignments(client, agent, other_agent, supervisor):
    theirs = _assign(other_agent, factories.TrainingCourseFactory())
    client.force_login(agent)
    on_own_page = client.post(page_url(agent), {"action": "complete", "assignment": theirs.pk}, follow=True)
    on_their_page = client.post(page_url(other_agent), {"action": "complete", "assignment": theirs.pk})
    client.force_login(supervisor)
    by_a_coach = client.post(page_url(other_agent), {"action": "complete", "assignment": theirs.pk})

    theirs.refresh_from_db()
    assert theirs.status == AssignmentStatus.ASSIGNED
    assert "Select a valid choice" in on_own_page.content.decode()
    assert (on_their_page.status_code, by_a_coach.status_code) == (404, 403)


def test_the_buttons_need_the_csrf_token(agent):
    assignment = _assign(agent, factories.TrainingCourseFactory())
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    response = client.post(page_url(agent), {"action": "complete", "assignment": assignment.pk})

    assignment.refresh_from_db()
    assert response.status_code == 403 and assignment.status == AssignmentStatus.ASSIGNED


# Reaching the page ----------------------------------------------------------------------------


def test_my_training_is_linked_from_the_dashboard_and_the_assignment_list(client, agent):
    client.force_login(agent)

    dashboard = client.get(reverse("admin:index")).content.decode()
    changelist = client.get(reverse("admin:training_trainingassignment_changelist")).content.decode()

    assert f'href="{page_url(agent)}"' in dashboard and "My training" in dashboard
    assert f'href="{page_url(agent)}"' in changelist
    assert reverse("admin:training_trainingassignment_matrix") not in dashboard
    assert reverse("admin:training_agentaward_top") not in dashboard


def test_coaches_also_get_the_matrix_and_top_agents_links(client, supervisor):
    client.force_login(supervisor)

    training_app = client.get(reverse("admin:app_list", args=["training"])).content.decode()
    knowledge_app = client.get(reverse("admin:app_list", args=["knowledge"])).content.decode()

    assert reverse("admin:training_trainingassignment_matrix") in training_app
    assert reverse("admin:training_agentaward_top") in training_app
    assert f'href="{page_url(supervisor)}"' in training_app
    assert reverse("admin:training_agentaward_top") not in knowledge_app
