"""The admin index: the signed-in agent's queue at a glance.

Cheap queries whatever the number of tickets: one aggregate for the counts
and four bounded lists (mine, unassigned in my teams, newest, SLA alerts).
"""

from tickets import selectors
from tickets.sla import selectors as sla_selectors


def dashboard_context(user) -> dict:
    if not user.has_perm("tickets.view_ticket"):
        return {}
    return {
        "queue_counts": selectors.queue_counts(user=user),
        "my_open_tickets": selectors.tickets_assigned_open(user=user),
        "unassigned_tickets": selectors.tickets_unassigned_in_teams(user=user),
        "newest_tickets": selectors.tickets_newest(user=user),
        "sla_alerts": sla_selectors.sla_alerts(user=user),
    }
