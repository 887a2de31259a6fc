"""Issue 11's "done when" on the demo data `make run` loads (supportdesk.demo.seed_demo).

An agent rated poorly on attitude gets the communication course from the daily rules, completes it,
and the supervisor sees it done in the team matrix; the staffing page shows next week's hourly
forecast and the agent gap.
"""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from feedback.models import SurveyInvitation, SurveyResponse
from feedback.reports import ReportFilters, agent_scorecard
from knowledge.demo_staffing import HISTORY_DOMAIN
from knowledge.demo_training import COMMUNICATION, DEFI, SECURITY_BASICS
from knowledge.services.training import RulesResult, training_run_rules
from knowledge.training_models import (
    AssignmentReason,
    AssignmentStatus,
    RatedDimension,
    Shift,
    TrainingAssignment,
    TrainingCourse,
)
from tickets.models import Status, Team, Ticket

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:knowledge_trainingassignment_changelist")
MATRIX = reverse("admin:knowledge_trainingassignment_matrix")
STAFFING = reverse("admin:knowledge_shift_staffing")


@pytest.fixture
def users():
    call_command("seed_demo", stdout=io.StringIO())
    return {user.username: user for user in get_user_model().objects.filter(is_staff=True)}


def _matrix(client, team: Team | None = None) -> dict[str, dict[str, str]]:
    response = client.get(MATRIX, {"team": team.pk} if team else {})
    assert response.status_code == 200
    titles = [course.title for course in response.context["courses"]]
    return {
        row.name: {title: cell.state for title, cell in zip(titles, row.cells, strict=True) if cell.state}
        for row in response.context["rows"]
    }


def _assert_answers_rate_solved_tickets_of_the_agent_over_the_last_weeks() -> None:
    responses = SurveyResponse.objects.select_related("invitation__ticket")
    assert responses.count() == 19
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


def _assert_history_has_busy_weekday_afternoons_and_quiet_weekends() -> None:
    history = Ticket.objects.filter(customer__email__endswith=f"@{HISTORY_DOMAIN}")
    zone = timezone.get_default_timezone()
    counts = {"afternoon": 0, "morning": 0, "weekend afternoon": 0, "night": 0}
    for created in history.values_list("created_at", flat=True):
        local = created.astimezone(zone)
        weekend = local.weekday() >= 5
        if local.hour in (14, 15, 16):
            counts["weekend afternoon" if weekend else "afternoon"] += 1
        elif local.hour in (9, 10, 11) and not weekend:
            counts["morning"] += 1
        elif local.hour < 9 or local.hour >= 21:
            counts["night"] += 1

    assert 1000 < history.count() < 4000
    assert counts["afternoon"] > 3 * counts["morning"] > 0
    assert counts["afternoon"] > 5 * counts["weekend afternoon"] > 0
    assert counts["night"] == 0
    oldest = min(history.values_list("created_at", flat=True))
    assert oldest.date() >= timezone.localdate() - timedelta(weeks=settings.STAFFING_HISTORY_WEEKS)
    assert history.values("channel").distinct().count() >= 5
    assert not history.exclude(status__in=[Status.SOLVED, Status.CLOSED]).exists()
    assert all(ticket.messages.count() == 2 for ticket in history.order_by("?")[:20])


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
        "Li Wei": {COMMUNICATION: "due", SECURITY_BASICS: "done"},
        "Nina Newcomer": {COMMUNICATION: "due", SECURITY_BASICS: "due"},
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
    }


def test_the_staffing_page_shows_next_weeks_hours_and_the_gap_at_the_weekday_peak(client, users):
    _assert_history_has_busy_weekday_afternoons_and_quiet_weekends()
    assert Shift.objects.count() == 20
    client.force_login(users["supervisor"])

    response = client.get(STAFFING)

    assert response.status_code == 200
    next_week = response.context["hours"][: 7 * 24]
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert [hour.start.date() for hour in next_week[::24]] == [tomorrow + timedelta(days=day) for day in range(7)]
    short = [hour for hour in next_week if hour.gap < 0]
    assert short and response.context["gaps"] >= len(short)
    weekday_peaks = [hour for hour in next_week if hour.start.weekday() < 5 and hour.start.hour in (14, 15, 16)]
    assert all(hour.gap < 0 and hour.scheduled > 0 for hour in weekday_peaks)
    assert max(hour.contacts for hour in weekday_peaks) > max(
        hour.contacts for hour in next_week if hour.start.hour < 12
    )
    assert "short of agents" in response.content.decode()
