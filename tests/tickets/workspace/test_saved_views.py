"""Saved views: saving the ticket list's query, sharing with a team, team defaults, and "My work" with counts."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests import factories
from tests.admin_queries import SIZES, measured_get
from tests.tickets.admin.test_tickets import shown_messages
from tickets.models import Priority, SavedView, Status
from tickets.workspace import selectors, services

pytestmark = pytest.mark.django_db


def test_saving_the_current_list_keeps_filters_search_and_order_without_the_page(client, agent):
    client.force_login(agent)

    response = client.post(
        reverse("admin:tickets_savedview_save"),
        {"name": " Urgent open ", "query": "queue=open&priority__exact=urgent&o=-3&p=2&q=usdt"},
        follow=True,
    )

    view = SavedView.objects.get()
    assert (view.name, view.owner, view.team) == ("Urgent open", agent, None)
    assert view.query == "o=-3&priority__exact=urgent&q=usdt&queue=open"
    assert shown_messages(response) == ["View “Urgent open” saved."]
    assert response.redirect_chain[-1][0] == reverse("admin:tickets_savedview_my_work")


def test_my_work_counts_each_view_over_the_tickets_the_agent_may_see(client, agent, teammate, team, other_team):
    factories.ticket(team=team, priority=Priority.URGENT)
    factories.ticket(team=team, priority=Priority.LOW)
    factories.ticket(team=other_team, priority=Priority.URGENT)
    mine = factories.ticket(team=team)
    mine.assignee = agent
    mine.save(update_fields=["assignee"])
    services.saved_view_create(owner=teammate, name="Team urgent", query="priority__exact=urgent", team=team)
    services.saved_view_create(owner=teammate, name="Teammate's private", query="queue=open")
    services.saved_view_create(owner=agent, name="Search", query="q=usdt")
    client.force_login(agent)

    rows = {row.name: row.count for row in client.get(reverse("admin:tickets_savedview_my_work")).context["rows"]}

    assert rows == {"My open tickets": 1, "Created by me": 0, "Waiting on the customer, mine": 0,
                    "Search": None, "Team urgent": 1}  # fmt: skip


@pytest.mark.parametrize("size", SIZES)
def test_my_work_runs_a_fixed_number_of_queries_whatever_the_number_of_views(
    client, agent, team, django_assert_num_queries, size
):
    for n in range(size):
        services.saved_view_create(owner=agent, name=f"View {n}", query=f"status__exact={Status.OPEN}&o={n}", team=team)
    client.force_login(agent)

    response = measured_get(client, django_assert_num_queries, reverse("admin:tickets_savedview_my_work"), 5)

    assert len(response.context["rows"]) == size + 3


@pytest.mark.parametrize("size", SIZES)
def test_the_saved_view_list_runs_a_fixed_number_of_queries(client, supervisor, team, django_assert_num_queries, size):
    for n in range(size):
        owner = factories.agent(teams=[team], username=f"owner-{n}")
        services.saved_view_create(owner=owner, name=f"View {n}", query="queue=open", team=team)
    client.force_login(supervisor)

    response = measured_get(client, django_assert_num_queries, reverse("admin:tickets_savedview_changelist"), 7)

    assert len(response.context["cl"].result_list) == size


def test_the_supervisor_makes_a_shared_view_a_team_default_and_an_agent_cannot(client, agent, team):
    boss = factories.supervisor(teams=[team], username="boss")
    team.supervisor = boss
    team.save(update_fields=["supervisor"])
    shared = services.saved_view_create(owner=agent, name="Oldest first", query="o=6", team=team)
    private = services.saved_view_create(owner=agent, name="Mine", query="o=6")
    client.force_login(boss)

    client.post(
        reverse("admin:tickets_savedview_changelist"),
        {"action": "make_team_default", ACTION_CHECKBOX_NAME: [shared.pk]},
    )

    shared.refresh_from_db()
    assert shared.is_team_default
    assert selectors.visible_views(agent).first() == shared
    with pytest.raises(PermissionDenied):
        services.saved_view_set_team_default(view=shared, actor=agent)
    with pytest.raises(Exception, match="shared with a team"):
        services.saved_view_set_team_default(view=private, actor=boss)


def test_a_view_can_be_shared_only_with_the_owners_team(agent, other_team):
    with pytest.raises(PermissionDenied):
        services.saved_view_create(owner=agent, name="Theirs", query="queue=open", team=other_team)
