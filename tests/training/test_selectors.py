"""Training reads: mandatory scope by role + team + tier, the team matrix, the monthly top agents ranking."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supportdesk.roles import AGENT, MANAGER, SUPERVISOR
from tests import factories
from tests.training.ratings import rate
from training.selectors import Scope, is_mandatory_for, top_agents, training_matrix
from training.services import award_confirm, training

pytestmark = pytest.mark.django_db


# Mandatory courses by role, team and tier ---------------------------------------------------------


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


def test_the_matrix_leaves_blank_what_a_role_does_not_require(agent, supervisor, team):
    factories.mandatory_course("Refund policy", roles=[AGENT])
    supervisors_only = factories.mandatory_course("Approvals", roles=[SUPERVISOR])
    factories.mandatory_course("Managers only", roles=[MANAGER])
    training.training_assign(agent=supervisor, course=supervisors_only, reason="mandatory")

    courses, rows = training_matrix(today=timezone.localdate())

    assert [course.title for course in courses] == ["Approvals", "Managers only", "Refund policy"]
    assert {row.name: [cell.state for cell in row.cells] for row in rows} == {
        "agent": ["", "", "missing"],
        "supervisor": ["due", "", ""],
    }


# The monthly top agents ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("small_awards")
def test_agents_rank_by_csat_over_the_minimum_number_of_answers(ranked_month, agent, other_agent):
    top = top_agents(month=ranked_month)

    assert [(entry.rank, entry.row.agent_id, entry.row.csat) for entry in top.ranked] == [
        (1, agent.pk, 100.0), (2, other_agent.pk, 80.0),
    ]  # fmt: skip
    assert (top.too_few_answers, top.min_responses, top.places) == (1, 4, 2)
    assert [entry.in_award_places for entry in top.ranked] == [True, True]


@pytest.mark.usefixtures("small_awards")
def test_equal_csat_is_decided_by_solved_volume_and_full_ties_share_a_rank(month, agent, other_agent, teammate):
    rate(agent, month, happy=4)  # 100 %, 4 solved
    rate(other_agent, month, happy=6)  # 100 %, 6 solved
    rate(teammate, month, happy=4, unsolved=2)  # 100 %, 4 solved
    third = factories.agent(username="third")
    rate(third, month, happy=4, unhappy=1)  # 80 %

    ranked = [(entry.rank, entry.row.name, entry.in_award_places) for entry in top_agents(month=month).ranked]

    assert ranked == [(1, "other_agent", True), (2, "agent", True), (2, "teammate", True), (4, "third", False)]


@pytest.mark.usefixtures("small_awards")
def test_an_award_place_needs_the_top_performer_csat(ranked_month, agent, other_agent, supervisor, settings):
    """A small team's second place at 80 % may be someone being coached: below the bar, no award."""
    settings.FEEDBACK_TOP_PERFORMER_CSAT = 90

    top = top_agents(month=ranked_month)

    assert [(entry.rank, entry.in_award_places) for entry in top.ranked] == [(1, True), (2, False)]
    with pytest.raises(ValidationError):
        award_confirm(agent=other_agent, month=ranked_month, actor=supervisor)


@pytest.mark.usefixtures("small_awards")
@override_settings(TRAINING_AWARD_PLACES=1)
def test_the_top_list_costs_the_same_queries_for_few_or_many_agents(month, django_assert_num_queries):
    rate(factories.agent(), month, happy=4)
    with CaptureQueriesContext(connection) as queries:
        top_agents(month=month)
    for _n in range(10):
        rate(factories.agent(), month, happy=4)
    with django_assert_num_queries(len(queries)):
        assert len(top_agents(month=month).ranked) == 11
