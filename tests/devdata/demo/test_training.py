"""Issue 11's "done when" on the demo training data `make run` loads (devdata.demo.seed_demo).

An agent rated poorly on attitude (devdata.demo.feedback) gets the communication course from the daily
rules, completes it, and the supervisor sees it done in the team matrix; last month's top agents are
ranked, one award confirmed and the others left for the supervisor.
"""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from devdata.demo.feedback import ANSWERS, MONTH_ANSWERS
from devdata.demo.training import AWARD_CITATION, COMMUNICATION, DEFI, SECURITY_BASICS
from feedback.models import SurveyInvitation, SurveyResponse
from feedback.reports import ReportFilters, agent_scorecard
from tickets.models import Status, Team
from training.models import (
    AgentAward,
    AssignmentReason,
    AssignmentStatus,
    RatedDimension,
    TrainingAssignment,
    TrainingCourse,
)
from training.selectors import first_of_month
from training.services import RulesResult, training_run_rules

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:training_trainingassignment_changelist")
MATRIX = reverse("admin:training_trainingassignment_matrix")
TOP_AGENTS = reverse("admin:training_agentaward_top")


def _matrix(client, team: Team | None = None) -> dict[str, dict[str, str]]:
    response = client.get(MATRIX, {"team": team.pk} if team else {})
    assert response.status_code == 200
    titles = [course.title for course in response.context["courses"]]
    return {
        row.name: {title: cell.state for title, cell in zip(titles, row.cells, strict=True) if cell.state}
        for row in response.context["rows"]
    }


def _last_month() -> tuple[datetime, datetime]:
    first = first_of_month(timezone.localdate())
    start = first_of_month(first - timedelta(days=1))
    return tuple(timezone.make_aware(datetime.combine(day, time.min)) for day in (start, first))


def _assert_answers_rate_solved_tickets_of_the_agent_over_the_last_weeks() -> None:
    responses = SurveyResponse.objects.select_related("invitation__ticket")
    month_answers = sum(len(answers) for answers in MONTH_ANSWERS.values())
    # The rolling answers that fall in last month count towards it: the month is only topped up.
    assert month_answers <= responses.count() <= month_answers + sum(len(answers) for answers in ANSWERS.values())
    start, end = _last_month()
    for username, answers in MONTH_ANSWERS.items():
        in_month = responses.filter(
            invitation__agent__username=username, invitation__created_at__gte=start, invitation__created_at__lt=end
        )
        assert in_month.count() == len(answers) >= settings.TRAINING_AWARD_MIN_RESPONSES
    weeks = set()
    for response in responses:
        invitation, ticket = response.invitation, response.invitation.ticket
        assert invitation.agent_id == ticket.assignee_id
        assert ticket.status in (Status.SOLVED, Status.CLOSED)
        assert ticket.resolved_at < invitation.created_at < response.submitted_at < timezone.now()
        weeks.add(invitation.created_at.isocalendar()[:2])
    assert len(weeks) >= 4
    # One survey per customer, as the throttle allows.
    assert SurveyInvitation.objects.values("customer").distinct().count() == SurveyInvitation.objects.count()


def test_the_agent_rated_poorly_on_attitude_is_coached_by_the_rules_completes_the_course_and_shows_done(client, users):
    agent, supervisor = users["agent"], users["supervisor"]
    _assert_answers_rate_solved_tickets_of_the_agent_over_the_last_weeks()
    scorecard = {row.agent_id: row for row in agent_scorecard(ReportFilters(), agent_ids=None)}
    assert scorecard[agent.pk].rated >= settings.FEEDBACK_SCORECARD_MIN_RESPONSES
    assert scorecard[agent.pk].averages["attitude"] < settings.FEEDBACK_TRAINING_THRESHOLD
    for other in ("agent2", "agent4"):
        assert scorecard[users[other].pk].averages["attitude"] >= settings.FEEDBACK_TRAINING_THRESHOLD
    communication = TrainingCourse.objects.get(title=COMMUNICATION, coaches_dimension=RatedDimension.ATTITUDE)
    assignment = TrainingAssignment.objects.open().get(agent=agent, course=communication)
    assert (assignment.reason, assignment.dimension, assignment.assigned_by) == (
        AssignmentReason.LOW_RATING,
        RatedDimension.ATTITUDE,
        None,
    )
    assert not TrainingAssignment.objects.filter(reason=AssignmentReason.LOW_RATING).exclude(pk=assignment.pk).exists()

    assert training_run_rules() == RulesResult()

    client.force_login(supervisor)
    l1 = Team.objects.get(name="L1 General")
    assert _matrix(client, l1)["Li Wei"][COMMUNICATION] == "due"
    client.force_login(agent)
    client.post(CHANGELIST, {"action": "complete_self_study", "_selected_action": [assignment.pk]})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.COMPLETED
    client.force_login(supervisor)
    assert _matrix(client, l1) == {
        "Li Wei": {COMMUNICATION: "done", SECURITY_BASICS: "done"},
        "Nina Newcomer": {COMMUNICATION: "due", SECURITY_BASICS: "due"},
        # the supervisor works in L1 too: bound by security basics (every role), not by the agents' courses
        "Sam Supervisor": {SECURITY_BASICS: "done"},
    }
    assert training_run_rules() == RulesResult()


def test_the_other_agents_get_what_the_daily_rules_give_them(client, users):
    client.force_login(users["supervisor"])

    assert _matrix(client) == {
        "Kai Senior": {SECURITY_BASICS: "due"},
        "Li Wei": {COMMUNICATION: "due", SECURITY_BASICS: "done"},
        "Nina Newcomer": {COMMUNICATION: "due", SECURITY_BASICS: "due"},
        "Oren Officer": {SECURITY_BASICS: "due"},
        "Sam Supervisor": {SECURITY_BASICS: "done"},
        "Sara Secure": {SECURITY_BASICS: "due"},
        "Tom Technical": {DEFI: "done", SECURITY_BASICS: "overdue"},
    }
    reasons = {
        (assignment.agent.username, assignment.course.title): assignment.reason
        for assignment in TrainingAssignment.objects.open().select_related("agent", "course")
    }
    assert reasons == {
        ("agent", COMMUNICATION): AssignmentReason.LOW_RATING,
        ("agent2", SECURITY_BASICS): AssignmentReason.MANDATORY,
        ("agent3", COMMUNICATION): AssignmentReason.ONBOARDING,
        ("agent3", SECURITY_BASICS): AssignmentReason.ONBOARDING,
        ("agent4", SECURITY_BASICS): AssignmentReason.REFRESHER,
        ("senior", SECURITY_BASICS): AssignmentReason.MANDATORY,
        ("security", SECURITY_BASICS): AssignmentReason.MANDATORY,
    }


def test_last_months_top_agents_are_ranked_with_one_award_confirmed_and_the_others_left_to_confirm(client, users):
    client.force_login(users["supervisor"])
    month = first_of_month(first_of_month(timezone.localdate()) - timedelta(days=1))

    response = client.get(TOP_AGENTS)

    top = response.context["top"]
    assert top.month == month
    ranked = [(entry.rank, entry.row.name) for entry in top.ranked]
    assert ranked == [(1, "Tom Technical"), (2, "Sara Secure"), (3, "Li Wei")]
    award = AgentAward.objects.get()
    assert (award.agent, award.month, award.rank, award.confirmed_by, award.citation) == (
        users["agent2"],
        month,
        1,
        users["supervisor"],
        AWARD_CITATION,
    )
    content = response.content.decode()
    assert "confirmed by Sam Supervisor" in content
    # Sara (90.9 %) can be confirmed; Li Wei, third at 18 %, is below the award bar.
    assert content.count("Confirm award") == 1
    assert "CSAT below the award bar" in content

    client.post(TOP_AGENTS, {"agent": users["agent4"].pk, "month": f"{month:%Y-%m}", "citation": "Phishing hero"})

    assert AgentAward.objects.get(agent=users["agent4"]).rank == 2
    page = client.get(reverse("admin:training_trainingassignment_agent", args=[users["agent2"].pk]))
    assert AWARD_CITATION in page.content.decode()
