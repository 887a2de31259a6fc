"""The top agents page and the awards list: what coaches and agents see and may do."""

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from training.models import AgentAward
from training.services import award_revoke

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_awards")]

TOP = reverse("admin:training_agentaward_top")
CHANGELIST = reverse("admin:training_agentaward_changelist")


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
    change = reverse("admin:training_agentaward_change", args=[mine.pk])
    client.post(change, {"citation": "forged", "rank": 1})

    assert list(listed) == [mine]
    assert client.get(reverse("admin:training_agentaward_change", args=[theirs.pk])).status_code == 302
    assert client.get(reverse("admin:training_agentaward_add")).status_code == 403
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


# Revoking awards -------------------------------------------------------------------------------


def test_a_revoked_award_leaves_the_agents_page_and_shows_as_revoked_in_the_ranking(
    client, award, agent, manager, supervisor
):
    award_revoke(award=award, actor=manager, reason="Ratings came from a test account")

    client.force_login(agent)
    own_page = client.get(reverse("admin:training_trainingassignment_agent", args=[agent.pk]))
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
