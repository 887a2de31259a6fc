"""Issue 11's "done when" on the demo data `make run` loads (supportdesk.demo.seed_demo).

An agent rated poorly on attitude gets the communication course from the daily rules, completes it,
and the supervisor sees it done in the team matrix; the staffing page shows next week's hourly
forecast, the agent gap, measured handle times and next week's expected events; last month's
top agents are ranked, one award confirmed and the others left for the supervisor.
"""

import io
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from feedback.demo import ANSWERS, MONTH_ANSWERS
from feedback.models import SurveyInvitation, SurveyResponse
from feedback.reports import ReportFilters, agent_scorecard
from knowledge.demo_staffing import EVENTS, HISTORY_DOMAIN
from knowledge.demo_training import AWARD_CITATION, COMMUNICATION, DEFI, SECURITY_BASICS
from knowledge.recognition_selectors import first_of_month
from knowledge.services.training import RulesResult, training_run_rules
from knowledge.staffing_models import ForecastEvent
from knowledge.training_models import (
    AgentAward,
    AssignmentReason,
    AssignmentStatus,
    RatedDimension,
    Shift,
    TrainingAssignment,
    TrainingCourse,
)
from tickets.models import Channel, Status, Team, Ticket

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:knowledge_trainingassignment_changelist")
MATRIX = reverse("admin:knowledge_trainingassignment_matrix")
STAFFING = reverse("admin:knowledge_shift_staffing")
TOP_AGENTS = reverse("admin:knowledge_agentaward_top")
MAIN_CHANNELS = [Channel.EMAIL, Channel.PORTAL, Channel.IN_APP, Channel.WEB_FORM, Channel.BOT]


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


def test_the_staffing_page_shows_measured_handle_times_and_next_weeks_expected_events(client, users):
    client.force_login(users["supervisor"])

    response = client.get(STAFFING)

    content = response.content.decode()
    handle_times = {item.channel: item.handle_time for item in response.context["plan"].channels}
    for channel in MAIN_CHANNELS:
        assert handle_times[channel].measured
        assert handle_times[channel].samples >= settings.STAFFING_MIN_AHT_SAMPLES
        assert f"measured on {handle_times[channel].samples} tickets" in content
    # Email answers take longer than chat lines; phone calls are not measured, so phone stays on the default.
    assert 180 <= handle_times[Channel.BOT].seconds < handle_times[Channel.EMAIL].seconds <= 720
    assert not handle_times[Channel.PHONE].measured
    assert handle_times[Channel.PHONE].seconds == settings.STAFFING_DEFAULT_AHT_SECONDS

    next_week = response.context["hours"][: 7 * 24]
    flagged = {name: [hour for hour in next_week if name in hour.events] for name, *_rest in EVENTS}
    announcement = flagged["Token listing announcement"]
    assert [hour.start.hour for hour in announcement] == [13, 14, 15, 16, 17]
    assert [hour.start.hour for hour in flagged["Network congestion"]] == [9, 10, 11]
    assert all(hour.start.weekday() < 5 for hours in flagged.values() for hour in hours)
    assert response.context["peaks"] == 8
    assert "Token listing announcement" in content and "Network congestion" in content
    # +60 % on every channel against the same hours a week later, which only the trend lifts.
    week_later = {hour.start - timedelta(weeks=1): hour for hour in response.context["hours"][7 * 24 :]}
    assert all(hour.contacts > 1.4 * week_later[hour.start].contacts for hour in announcement)
    assert ForecastEvent.objects.filter(created_by=users["manager"]).count() == len(EVENTS)


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
    page = client.get(reverse("admin:knowledge_trainingassignment_agent", args=[users["agent2"].pk]))
    assert AWARD_CITATION in page.content.decode()
