"""Every metric on a hand-made data set whose answers are worked out by hand in the comments."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback.reports import ReportFilters, agent_scorecard, channel_breakdown, hot_topics, ratio, satisfaction_report
from tests import factories
from tickets.models import Channel

MARCH = ReportFilters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
MONDAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def answered(agent, team, *, at=MONDAY, overall=None, attitude=None, speed=None, professionalism=None,
             solved=None, comment=""):  # fmt: skip
    invitation = factories.SurveyInvitationFactory(agent=agent, team=team, created_at=at, answered_at=at)
    return factories.SurveyResponseFactory(
        invitation=invitation, overall=overall, attitude=attitude, speed=speed, professionalism=professionalism,
        problem_solved=solved, comment=comment,
    )  # fmt: skip


@pytest.fixture
def data_set(agent, other_agent, team, other_team):
    # agent (team): 4 sent, 3 answered.
    answered(agent, team, overall=5, attitude=5, speed=4, professionalism=5, solved=True, comment="great")
    answered(agent, team, overall=4, attitude=3, speed=4, professionalism=5, solved=True)
    answered(agent, team, overall=2, speed=2, professionalism=3, solved=False, comment="slow")
    factories.SurveyInvitationFactory(agent=agent, team=team, created_at=MONDAY)
    # other_agent (other_team): 2 sent, 1 answered.
    answered(other_agent, other_team, overall=1, attitude=1, speed=1, professionalism=2, solved=False)
    factories.SurveyInvitationFactory(agent=other_agent, team=other_team, created_at=MONDAY)
    # Outside the period: must not count anywhere.
    answered(agent, team, at=MONDAY - timedelta(days=60), overall=1, attitude=1, speed=1, professionalism=1)


def test_ratio_never_divides_by_zero():
    assert ratio(0, 0) is None
    assert ratio(2, 3) == 66.7


def test_the_satisfaction_report_over_everyone(data_set):
    report = satisfaction_report(MARCH)

    assert (report.sent, report.answered, report.response_rate) == (6, 4, 66.7)
    assert (report.rated, report.csat) == (4, 50.0)  # 5 and 4 of 5, 4, 2, 1
    assert report.averages == {
        "overall": 3.0,  # (5 + 4 + 2 + 1) / 4
        "attitude": 3.0,  # (5 + 3 + 1) / 3: unanswered questions do not count
        "speed": 2.75,  # (4 + 4 + 2 + 1) / 4
        "professionalism": 3.75,  # (5 + 5 + 3 + 2) / 4
    }
    assert report.distribution == {1: 1, 2: 1, 3: 0, 4: 1, 5: 1}
    assert (report.solved_yes, report.solved_answered, report.solved_rate) == (2, 4, 50.0)
    assert [response.comment for response in report.comments] == ["slow", "great"]  # newest first


def test_the_satisfaction_report_filtered_by_team_and_agent(data_set, team, other_agent):
    by_team = satisfaction_report(ReportFilters(date_from=MARCH.date_from, date_to=MARCH.date_to, team_id=team.pk))
    by_agent = satisfaction_report(
        ReportFilters(date_from=MARCH.date_from, date_to=MARCH.date_to, agent_id=other_agent.pk)
    )

    assert (by_team.sent, by_team.answered, by_team.csat, by_team.averages["overall"]) == (4, 3, 66.7, 3.67)
    assert (by_agent.sent, by_agent.answered, by_agent.csat, by_agent.averages["overall"]) == (2, 1, 0.0, 1.0)


def test_an_empty_period_has_no_figures_rather_than_zeros(data_set):
    report = satisfaction_report(ReportFilters(date_from=date(2020, 1, 1), date_to=date(2020, 1, 31)))

    assert (report.sent, report.answered, report.response_rate, report.csat, report.solved_rate) == (
        0,
        0,
        None,
        None,
        None,
    )
    assert set(report.averages.values()) == {None}
    assert report.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert report.trend == [] and report.comments == []


def test_the_weekly_trend_keeps_empty_weeks(agent, team):
    answered(agent, team, at=MONDAY, overall=5)
    answered(agent, team, at=MONDAY + timedelta(days=15), overall=2)  # Tuesday of the third week
    factories.SurveyInvitationFactory(agent=agent, team=team, created_at=MONDAY + timedelta(days=16))

    trend = satisfaction_report(MARCH).trend

    assert [(p.week, p.sent, p.answered, p.csat) for p in trend] == [
        (date(2026, 3, 2), 1, 1, 100.0),
        (date(2026, 3, 9), 0, 0, None),
        (date(2026, 3, 16), 2, 1, 0.0),
    ]


def test_the_scorecard_per_agent_with_team_comparison_times_and_flags(data_set, agent, other_agent, settings):
    settings.FEEDBACK_SCORECARD_MIN_RESPONSES = 1
    settings.FEEDBACK_TOP_PERFORMER_CSAT = 60
    settings.FEEDBACK_TRAINING_THRESHOLD = 3.5
    for first_hours, resolved_hours in ((1, 10), (3, 20), (2, None)):
        factories.TicketFactory(
            assignee=agent,
            created_at=MONDAY,
            first_response_at=MONDAY + timedelta(hours=first_hours),
            resolved_at=MONDAY + timedelta(hours=resolved_hours) if resolved_hours else None,
        )

    rows = {row.agent_id: row for row in agent_scorecard(MARCH)}

    mine = rows[agent.pk]
    assert (mine.team_name, mine.responses, mine.rated, mine.csat) == ("L1 General", 3, 3, 66.7)
    assert mine.averages == {"overall": 3.67, "attitude": 4.0, "speed": 3.33, "professionalism": 4.33}
    assert mine.team_averages == mine.averages  # the only agent answering for that team
    assert (mine.tickets, mine.solved) == (3, 2)
    assert mine.median_first_response == timedelta(hours=2)
    assert mine.median_resolution == timedelta(hours=15)
    assert mine.top_performer is True
    assert mine.training_dimensions == ["speed"]
    theirs = rows[other_agent.pk]
    assert (theirs.csat, theirs.top_performer, theirs.tickets, theirs.median_first_response) == (0.0, False, 0, None)
    assert theirs.training_dimensions == ["overall", "attitude", "speed", "professionalism"]


def test_flags_need_enough_answers(data_set, agent, settings):
    settings.FEEDBACK_SCORECARD_MIN_RESPONSES = 5

    [row] = agent_scorecard(MARCH, agent_ids=[agent.pk])

    assert row.csat == 66.7
    assert (row.top_performer, row.training_dimensions) == (False, [])


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


@pytest.mark.parametrize(("build", "expected"), [(satisfaction_report, 7), (agent_scorecard, 5)])
def test_report_query_count_does_not_grow_with_rows(agent, team, build, expected):
    answered(agent, team, overall=4, comment="one")
    one = _queries(lambda: build(MARCH))
    for score in range(19):
        answered(agent, team, overall=score % 5 + 1, comment=f"c{score}")
        factories.TicketFactory(assignee=agent, created_at=MONDAY)
    many = _queries(lambda: build(MARCH))

    assert one == many == expected


@pytest.mark.django_db
def test_report_breaks_volume_and_satisfaction_down_by_channel(customer, team):
    factories.ticket(customer=customer, team=team, channel=Channel.SOCIAL)
    factories.ticket(customer=customer, team=team, channel=Channel.SOCIAL)
    factories.ticket(customer=customer, team=team, channel=Channel.SMS)

    rows = {row.channel: row for row in channel_breakdown(ReportFilters())}

    assert (rows["social"].tickets, rows["sms"].tickets) == (2, 1)
    assert rows["sms"].label == "SMS" and rows["social"].sent == 0 and rows["social"].csat is None
    assert "email" not in rows


@pytest.mark.django_db
def test_hot_topics_rank_categories_by_tickets_and_split_them_by_channel(customer, team):
    transaction = factories.CategoryFactory(name="Transfers")
    login = factories.CategoryFactory(name="Login")
    for channel in (Channel.SOCIAL, Channel.SOCIAL, Channel.SMS):
        factories.ticket(customer=customer, team=team, channel=channel, category=transaction)
    factories.ticket(customer=customer, team=team, channel=Channel.EMAIL, category=login)

    topics = hot_topics(ReportFilters())

    assert [(topic.category, topic.total) for topic in topics] == [("Transfers", 3), ("Login", 1)]
    assert topics[0].by_channel == {"social": 2, "sms": 1}
