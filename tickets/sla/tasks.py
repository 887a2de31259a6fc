"""django-q2 tasks of the SLA work: thin wrappers that take ids and call the module doing the work."""

from __future__ import annotations

from tickets.notifications import services as notifications
from tickets.services import escalation
from tickets.sla import notify
from tickets.sla.services import sweep


def sla_sweep() -> dict[str, int]:
    return sweep.sla_sweep().summary()


def notify_sla(kind: str, clock: str, ticket_ids: list[int]) -> int:
    notifications.notify_sla(kind=kind, ticket_ids=ticket_ids)
    return notify.send_sla_notices(kind=kind, clock=clock, ticket_ids=ticket_ids)


def escalate_breached(ticket_ids: list[int]) -> int:
    return escalation.ticket_escalate_breached(ticket_ids=ticket_ids)


def notify_escalation(ticket_id: int) -> int:
    return notify.send_escalation_notice(ticket_id=ticket_id)
