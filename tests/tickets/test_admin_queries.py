"""Admin pages run a fixed number of queries, whatever the number of rows they show.

Each page is requested once to warm per-process caches (content types), then
measured with 1 row and with 20 (or 30) rows: the count is pinned and must be
the same for both sizes. A new N+1 shows up here as a difference between sizes.
"""

import pytest
from django.urls import reverse

from tests import factories
from tickets import services

pytestmark = pytest.mark.django_db


def make_queue(size: int, *, actor, member=None) -> list:
    """`size` tickets, each with its own customer, team, category and assignee (and open, so counted).

    `member`, when given, joins every team, so an agent can see the whole queue.
    """
    tickets = []
    for n in range(size):
        team = factories.TeamFactory()
        if member is not None:
            member.agent_profile.teams.add(team)
        assignee = factories.agent(teams=[team], username=f"queue-agent-{n}")
        ticket = factories.ticket(team=team, category=factories.CategoryFactory(), subject=f"Request {n}")
        services.ticket_assign(ticket=ticket, assignee=assignee, actor=actor)
        tickets.append(ticket)
    return tickets


def measured_get(client, assert_num_queries, url: str, expected: int):
    client.get(url)
    with assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


SIZES = [1, 20]


@pytest.mark.parametrize("size", SIZES)
def test_the_ticket_changelist_runs_7_queries_for_a_superuser_whatever_the_size(
    client, administrator, django_assert_num_queries, size
):
    make_queue(size, actor=administrator)
    client.force_login(administrator)

    response = measured_get(
        client,
        django_assert_num_queries,
        reverse("admin:tickets_ticket_changelist"),
        7 + factories.TABLE_ESTIMATE_QUERIES,
    )

    assert len(response.context["cl"].result_list) == size


@pytest.mark.parametrize("size", SIZES)
def test_the_ticket_changelist_runs_9_queries_for_an_agent_whatever_the_size(
    client, agent, administrator, django_assert_num_queries, size
):
    make_queue(size, actor=administrator, member=agent)
    client.force_login(agent)

    response = measured_get(client, django_assert_num_queries, reverse("admin:tickets_ticket_changelist"), 9)

    assert len(response.context["cl"].result_list) == size


@pytest.mark.parametrize("size", SIZES)
def test_the_dashboard_runs_8_queries_whatever_the_size(client, administrator, django_assert_num_queries, size):
    make_queue(size, actor=administrator)
    client.force_login(administrator)

    # 8 since issue 6: one bounded list more, the SLA alerts.
    response = measured_get(client, django_assert_num_queries, reverse("admin:index"), 8)

    assert len(response.context["newest_tickets"]) == min(size, 10)


@pytest.mark.parametrize("size", SIZES)
def test_the_dashboard_runs_10_queries_for_an_agent_whatever_the_size(
    client, agent, administrator, django_assert_num_queries, size
):
    tickets = make_queue(size, actor=administrator, member=agent)
    for ticket in tickets:
        services.ticket_assign(ticket=ticket, assignee=agent, actor=administrator)
    client.force_login(agent)

    # 10 since issue 6: one bounded list more, the SLA alerts.
    response = measured_get(client, django_assert_num_queries, reverse("admin:index"), 10)

    assert len(response.context["my_open_tickets"]) == min(size, 10)


@pytest.mark.parametrize(
    ("url_name", "expected", "rows"),
    [
        ("admin:tickets_customer_changelist", 5 + factories.TABLE_ESTIMATE_QUERIES, lambda size: size),
        ("admin:tickets_team_changelist", 5, lambda size: size),
        # every queue agent plus the supervisor who does the assigning
        ("admin:tickets_agentprofile_changelist", 7, lambda size: size + 1),
    ],
    ids=["customers", "teams", "agent-profiles"],
)
@pytest.mark.parametrize("size", SIZES)
def test_the_customer_team_and_agent_changelists_run_a_fixed_number_of_queries(
    client, administrator, supervisor, django_assert_num_queries, url_name, expected, rows, size
):
    make_queue(size, actor=supervisor)
    # the supervisor's own team has no tickets; it is one more row in the team list
    extra_team = 1 if url_name.endswith("team_changelist") else 0
    client.force_login(administrator)

    response = measured_get(client, django_assert_num_queries, reverse(url_name), expected)

    assert len(response.context["cl"].result_list) == rows(size) + extra_team


@pytest.mark.parametrize("size", [1, 30])
# +3 since the foundation: the ticket's latest identity verification (wallet safety), its complaint
# panel, and the macros offered in the reply tools (knowledge).
@pytest.mark.parametrize(("role", "expected"), [("administrator", 14), ("agent", 16)])
def test_the_ticket_change_page_runs_a_fixed_number_of_queries_whatever_the_conversation_length(
    client, request, ticket, agent, django_assert_num_queries, role, expected, size
):
    for n in range(size - 1):
        if n % 2:
            services.ticket_customer_reply(
                ticket=ticket, body=f"Customer {n}", via="portal", attachments=[factories.png_upload()]
            )
        else:
            services.ticket_reply(
                ticket=ticket,
                body=f"Agent {n}",
                actor=agent,
                internal=n % 4 == 0,
                attachments=[factories.text_upload(), factories.upload("guide.pdf", factories.PDF_BYTES)],
            )
    client.force_login(request.getfixturevalue(role))

    # The whole conversation (?timeline=all): the default page shows only the newest entries.
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk]) + "?timeline=all"
    response = measured_get(client, django_assert_num_queries, url, expected)

    messages = [entry.message for entry in response.context["timeline"] if entry.message]
    assert len(messages) == size
    assert response.content.decode().count("📎") == sum(m.attachments.count() for m in messages)
