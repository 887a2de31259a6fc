"""The investigation: one event per changed field, evidence from the complaint's own ticket."""

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tickets.complaints import services
from tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db


def test_findings_are_recorded_with_one_event_per_changed_field(complaint, agent, team):
    evidence = complaint.ticket.messages.first()

    services.complaint_update(
        complaint=complaint,
        actor=agent,
        findings="Fee was 10x the usual because of a bug in the fee estimator.",
        root_cause="software_bug",
        responsible_team=team,
        company_at_fault=True,
        evidence_messages=[evidence],
        evidence_tx_hash="0xabc",
    )

    complaint.refresh_from_db()
    assert (complaint.root_cause, complaint.company_at_fault, complaint.responsible_team) == (
        "software_bug",
        True,
        team,
    )
    assert list(complaint.evidence_messages.all()) == [evidence]
    notes = set(TicketEvent.objects.filter(kind=EventKind.COMPLAINT_UPDATE).values_list("note", flat=True))
    assert {"findings", "root cause", "responsible team", "company at fault", "evidence: messages"} <= notes


def test_evidence_must_come_from_the_complaints_own_ticket(complaint, agent, other_ticket):
    with pytest.raises(ValidationError) as error:
        services.complaint_update(complaint=complaint, actor=agent, evidence_messages=[other_ticket.messages.first()])

    assert factories.error_codes(error.value) == {services.ERROR_EVIDENCE_OTHER_TICKET}
