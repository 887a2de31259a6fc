"""A closed complaint sends the satisfaction survey (feedback listens to tickets.signals.complaint_closed)."""

import pytest

from feedback.models import InvitationReason, SurveyInvitation
from tests import factories
from tickets.complaints import services as complaint_services
from tickets.complaints.models import Stage

pytestmark = pytest.mark.django_db


def test_a_complaint_the_customer_confirms_sends_a_survey(customer, team, agent, django_capture_on_commit_callbacks):
    complaint = factories.complaint(
        ticket=factories.ticket(customer=customer, team=team), actor=agent, stage=Stage.AWAITING_CONFIRMATION
    )

    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_services.complaint_respond(complaint=complaint, resolved=True, user=customer.user)

    invitation = SurveyInvitation.objects.get(ticket=complaint.ticket)
    assert complaint.stage == Stage.CLOSED_CONFIRMED
    assert invitation.reason == InvitationReason.COMPLAINT_CLOSED
    assert invitation.resolved_at == complaint.closed_at


def test_a_withdrawn_complaint_sends_no_survey(customer, team, agent, django_capture_on_commit_callbacks):
    complaint = factories.complaint(ticket=factories.ticket(customer=customer, team=team), actor=agent)

    with django_capture_on_commit_callbacks(execute=True):
        complaint_services.complaint_change_stage(
            complaint=complaint, stage=Stage.WITHDRAWN, actor=agent, reason="Customer withdrew by phone"
        )

    assert not SurveyInvitation.objects.filter(reason=InvitationReason.COMPLAINT_CLOSED).exists()
