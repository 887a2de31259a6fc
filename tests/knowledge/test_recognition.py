"""Monthly top agents: the ranking (minimum answers, tie-break), confirming awards, the pages and their permissions."""

from datetime import date, datetime, time

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knowledge.models import AgentAward
from knowledge.recognition_selectors import top_agents
from knowledge.services.recognition import award_confirm, award_revoke
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_small_awards"),
]

TOP = reverse("admin:knowledge_agentaward_top")
CHANGELIST = reverse("admin:knowledge_agentaward_changelist")


@pytest.fixture
def _small_awards(settings):
    settings.TRAINING_AWARD_MIN_RESPONSES = 4
    settings.TRAINING_AWARD_PLACES = 2
    settings.FEEDBACK_TOP_PERFORMER_CSAT = 75


@pytest.fixture
def month() -> date:
    """Last month: finished, so its awards can be confirmed."""
    return timezone.localdate().replace(day=1) - relativedelta(months=1)


def _mid(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month.replace(day=15), time(12)))


def rate(agent, month: date, *, happy: int, unhappy: int = 0, unsolved: int = 0) -> None:
    """Answers sent in `month`: `happy` 5s and `unhappy` 2s on solved tickets, plus unsolved tickets rated 5."""
    factories.rated_answers(agent=agent, count=happy, overall=5, at=_mid(month))
    factories.rated_answers(agent=agent, count=unhappy, overall=2, at=_mid(month))
    factories.rated_answers(agent=agent, count=unsolved, overall=5, at=_mid(month), solved=False)


@pytest.fixture
def ranked_month(month, agent, other_agent, teammate):
    """agent 100 % on 5 answers; other_agent 80 % (4 of 5); teammate 100 % but only 3 answers."""
    rate(agent, month, happy=5)
    rate(other_agent, month, happy=4, unhappy=1)
    rate(teammate, month, happy=3)
    rate(other_agent, month - relativedelta(months=1), happy=10)  # the month before does not count
    return month


# The ranking ----------------------------------------------------------------------------------


def test_agents_rank_by_csat_over_the_minimum_number_of_answers(ranked_month, agent, other_agent):
    top = top_agents(month=ranked_month)

    assert [(entry.rank, entry.row.agent_id, entry.row.csat) for entry in top.ranked] == [
        (1, agent.pk, 100.0), (2, other_agent.pk, 80.0),
    ]  # fmt: skip
    assert (top.too_few_answers, top.min_responses, top.places) == (1, 4, 2)
    assert [entry.in_award_places for entry in top.ranked] == [True, True]


def test_equal_csat_is_decided_by_solved_volume_and_full_ties_share_a_rank(month, agent, other_agent, teammate):
    rate(agent, month, happy=4)  # 100 %, 4 solved
    rate(other_agent, month, happy=6)  # 100 %, 6 solved
    rate(teammate, month, happy=4, unsolved=2)  # 100 %, 4 solved
    third = factories.agent(username="third")
    rate(third, month, happy=4, unhappy=1)  # 80 %

    ranked = [(entry.rank, entry.row.name, entry.in_award_places) for entry in top_agents(month=month).ranked]

    assert ranked == [(1, "other_agent", True), (2, "agent", True), (2, "teammate", True), (4, "third", False)]


def test_an_award_place_needs_the_top_performer_csat(ranked_month, agent, other_agent, supervisor, settings):
    """A small team's second place at 80 % may be someone being coached: below the bar, no award."""
    settings.FEEDBACK_TOP_PERFORMER_CSAT = 90

    top = top_agents(month=ranked_month)

    assert [(entry.rank, entry.in_award_places) for entry in top.ranked] == [(1, True), (2, False)]
    with pytest.raises(ValidationError):
        award_confirm(agent=other_agent, month=ranked_month, actor=supervisor)


# Confirming awards ------------------------------------------------------------------------------


def test_a_coach_confirms_an_award_with_the_rankings_figures_once(ranked_month, agent, supervisor):
    award, created = award_confirm(agent=agent, month=ranked_month, actor=supervisor, citation="  Best month  ")
    again, created_again = award_confirm(agent=agent, month=ranked_month.replace(day=20), actor=supervisor)

    assert (created, created_again, again.pk) == (True, False, award.pk)
    assert AgentAward.objects.count() == 1
    assert (award.month, award.rank, award.csat, award.responses, award.tickets) == (ranked_month, 1, 100.0, 5, 5)
    assert (award.citation, award.confirmed_by) == ("Best month", supervisor)


def test_only_coaches_confirm_and_never_for_themselves(ranked_month, agent, other_agent, supervisor):
    rate(supervisor, ranked_month, happy=9)
    with pytest.raises(PermissionDenied):
        award_confirm(agent=agent, month=ranked_month, actor=other_agent)
    with pytest.raises(PermissionDenied):
        award_confirm(agent=supervisor, month=ranked_month, actor=supervisor)
    assert not AgentAward.objects.exists()


def test_no_award_outside_the_places_or_before_the_month_is_over(ranked_month, agent, teammate, other_agent, manager):
    with pytest.raises(ValidationError) as too_few:
        award_confirm(agent=teammate, month=ranked_month, actor=manager)
    rate(factories.agent(username="best"), ranked_month, happy=8)
    with pytest.raises(ValidationError) as third:
        award_confirm(agent=other_agent, month=ranked_month, actor=manager)
    with pytest.raises(ValidationError) as running:
        award_confirm(agent=agent, month=timezone.localdate(), actor=manager)

    assert factories.error_codes(too_few.value) == factories.error_codes(third.value) == {"not_in_award_places"}
    assert factories.error_codes(running.value) == {"month_not_over"}
    assert not AgentAward.objects.exists()


# The top agents page ----------------------------------------------------------------------------------


def test_the_page_is_for_coaches(client, agent, manager):
    client.force_login(agent)
    assert client.get(TOP).status_code == 403
    client.force_login(manager)
    assert client.get(TOP).status_code == 200


def test_the_page_ranks_the_chosen_month_and_explains_how(client, ranked_month, supervisor, agent, other_agent):
    client.force_login(supervisor)

    response = client.get(TOP, {"month": f"{ranked_month:%Y-%m}"})
    html = response.content.decode()

    assert [entry.row.agent_id for entry in response.context["top"].ranked] == [agent.pk, other_agent.pk]
    assert "How the ranking works" in html and "at least 4 answers" in html
    assert html.count(">Confirm award</button>") == 2
    assert client.get(TOP).context["top"].month == ranked_month  # last month by default


def test_a_bad_or_future_month_gets_a_field_error(client, supervisor):
    client.force_login(supervisor)
    next_month = timezone.localdate().replace(day=1) + relativedelta(months=1)

    garbage = client.get(TOP, {"month": "spring"})
    future = client.get(TOP, {"month": f"{next_month:%Y-%m}"})

    assert "month" in garbage.context["form"].errors and "month" in future.context["form"].errors
    assert future.status_code == 200


def test_confirming_from_the_page_twice_keeps_one_award(client, ranked_month, supervisor, agent):
    client.force_login(supervisor)
    data = {"agent": agent.pk, "month": f"{ranked_month:%Y-%m}", "citation": "Calm and quick"}

    first = client.post(TOP, data)
    second = client.post(TOP, data, follow=True)

    assert first.status_code == 302 and first.url == f"{TOP}?month={ranked_month:%Y-%m}"
    assert AgentAward.objects.get().citation == "Calm and quick"
    assert "already confirmed" in second.content.decode()


def test_agents_cannot_confirm_from_the_page(client, ranked_month, agent, other_agent):
    client.force_login(other_agent)
    response = client.post(TOP, {"agent": agent.pk, "month": f"{ranked_month:%Y-%m}"})
    assert response.status_code == 403 and not AgentAward.objects.exists()


# The awards changelist -------------------------------------------------------------------------------------


def _award(agent, month, coach) -> AgentAward:
    return AgentAward.objects.create(
        agent=agent, month=month, rank=1, csat=99.0, responses=9, tickets=9, confirmed_by=coach
    )


def test_agents_list_only_their_own_awards_and_cannot_edit_them(client, month, agent, other_agent, supervisor):
    mine = _award(agent, month, supervisor)
    theirs = _award(other_agent, month, supervisor)
    client.force_login(agent)

    listed = client.get(CHANGELIST).context["cl"].result_list
    change = reverse("admin:knowledge_agentaward_change", args=[mine.pk])
    client.post(change, {"citation": "forged", "rank": 1})

    assert list(listed) == [mine]
    assert client.get(reverse("admin:knowledge_agentaward_change", args=[theirs.pk])).status_code == 302
    assert client.get(reverse("admin:knowledge_agentaward_add")).status_code == 403
    mine.refresh_from_db()
    assert mine.citation == ""


def test_coaches_list_every_award(client, month, agent, other_agent, supervisor):
    _award(agent, month, supervisor)
    _award(other_agent, month, supervisor)
    client.force_login(supervisor)
    response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 2
    assert TOP in response.content.decode()


def test_the_award_list_costs_the_same_queries_for_1_or_20_rows(client, month, supervisor, django_assert_num_queries):
    _award(factories.agent(), month, supervisor)
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CHANGELIST).status_code == 200
    for _n in range(19):
        _award(factories.agent(), month, supervisor)
    with django_assert_num_queries(len(queries)):
        client.get(CHANGELIST)


@override_settings(TRAINING_AWARD_PLACES=1)
def test_the_top_list_costs_the_same_queries_for_few_or_many_agents(month, django_assert_num_queries):
    rate(factories.agent(), month, happy=4)
    with CaptureQueriesContext(connection) as queries:
        top_agents(month=month)
    for _n in range(10):
        rate(factories.agent(), month, happy=4)
    with django_assert_num_queries(len(queries)):
        assert len(top_agents(month=month).ranked) == 11


# Revoking awards -------------------------------------------------------------------------------


@pytest.fixture
def award(ranked_month, agent, supervisor):
    confirmed, _created = award_confirm(agent=agent, month=ranked_month, actor=supervisor, citation="Best month")
    return confirmed


def test_a_coach_revokes_an_award_with_a_reason_and_it_stays_on_record(award, manager):
    revoked = award_revoke(award=award, actor=manager, reason="  Ratings came from a test account ")
    again = award_revoke(award=award, actor=manager, reason="other reason")

    assert (revoked.revoked_by, revoked.revoke_reason) == (manager, "Ratings came from a test account")
    assert again.revoked_at == revoked.revoked_at and again.revoke_reason == revoked.revoke_reason
    assert AgentAward.objects.count() == 1
    assert not AgentAward.objects.standing().exists()


def test_revoking_needs_a_reason_a_coach_and_not_ones_own_award(award, agent, manager, supervisor):
    with pytest.raises(ValidationError) as blank:
        award_revoke(award=award, actor=manager, reason="   ")
    assert blank.value.message_dict == {"reason": ["Say why the award is revoked."]}
    with pytest.raises(PermissionDenied):
        award_revoke(award=award, actor=agent, reason="mine")
    own = AgentAward.objects.create(
        agent=supervisor, month=award.month, rank=2, csat=95, responses=12, tickets=20, confirmed_by=manager
    )
    with pytest.raises(PermissionDenied):
        award_revoke(award=own, actor=supervisor, reason="my own")


def test_a_revoked_award_leaves_the_agents_page_and_shows_as_revoked_in_the_ranking(
    client, award, agent, manager, supervisor
):
    award_revoke(award=award, actor=manager, reason="Ratings came from a test account")

    client.force_login(agent)
    own_page = client.get(reverse("admin:knowledge_trainingassignment_agent", args=[agent.pk]))
    assert own_page.context["page"].awards == []
    client.force_login(supervisor)
    top = client.get(TOP, {"month": f"{award.month:%Y-%m}"}).content.decode()
    assert ">revoked</span>" in top


def test_coaches_revoke_from_the_award_list_with_a_reason(client, award, agent, manager):
    client.force_login(manager)
    ask = client.post(CHANGELIST, {"action": "revoke", "_selected_action": [award.pk]})
    assert ask.status_code == 200 and "reason" in ask.context["form"].fields

    client.post(CHANGELIST, {"action": "revoke", "_selected_action": [award.pk], "apply": "1", "reason": "Duplicate"})

    award.refresh_from_db()
    assert (award.revoked_by, award.revoke_reason) == (manager, "Duplicate")
    client.force_login(agent)
    client.post(CHANGELIST, {"action": "revoke", "_selected_action": [award.pk], "apply": "1", "reason": "x"})
    award.refresh_from_db()
    assert award.revoke_reason == "Duplicate"
