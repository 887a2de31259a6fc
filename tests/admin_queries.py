"""Helpers of the admin query-count tests.

Admin pages run a fixed number of queries, whatever the number of rows they show.
Each page is requested once to warm per-process caches (content types), then
measured with 1 row and with 20 (or 30) rows: the count is pinned and must be
the same for both sizes. A new N+1 shows up as a difference between sizes.
"""

from tests import factories
from tickets import services

SIZES = [1, 20]


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
