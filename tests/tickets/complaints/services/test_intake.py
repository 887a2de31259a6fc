"""Opening complaints: an agent turns a ticket into one; a customer files one in the portal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tickets import services as ticket_services
from tickets.complaints import services
from tickets.complaints.models import (
    Complaint,
    ComplaintSubject,
    Stage,
)
from tickets.models import Category, EventKind, Status, TicketEvent

pytestmark = pytest.mark.django_db


def test_an_agent_turns_a_ticket_into_a_complaint(ticket, agent):
    opened = services.complaint_open(
        ticket=ticket, subject=ComplaintSubject.SLOW_RESPONSE, actor=agent, severity="high", reason="angry call"
    )

    assert (opened.stage, opened.severity, opened.subject) == (Stage.INTAKE, "high", "slow_response")
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.COMPLAINT)
    assert (event.actor, event.after, event.note) == (agent, "slow_response", "angry call")


def test_a_ticket_becomes_a_complaint_only_once(ticket, agent):
    services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=agent)

    with pytest.raises(ValidationError) as error:
        services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=agent)

    assert factories.error_codes(error.value) == {services.ERROR_ALREADY_A_COMPLAINT}


def test_a_closed_ticket_cannot_become_a_complaint(ticket, agent):
    ticket_services.ticket_change_status(ticket=ticket, status=Status.CLOSED, actor=agent)

    with pytest.raises(ValidationError) as error:
        services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=agent)

    assert factories.error_codes(error.value) == {services.ERROR_TICKET_CLOSED}


def test_an_agent_of_another_team_and_another_customer_cannot_open_a_complaint(ticket, other_agent, other_customer):
    with pytest.raises(PermissionDenied):
        services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=other_agent)
    with pytest.raises(PermissionDenied):
        services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=other_customer.user)
    assert not Complaint.objects.exists()


def test_a_customer_files_a_complaint_on_a_new_request_in_the_complaint_category(customer):
    filed = services.complaint_file(
        user=customer.user,
        subject=ComplaintSubject.AGENT_BEHAVIOUR,
        title="Rude agent on chat",
        body="The agent hung up on me.",
        desired_outcome="An apology",
    )

    assert filed.ticket.customer == customer
    assert filed.ticket.category == Category.objects.get(slug="complaint")
    assert filed.ticket.messages.get().body == "The agent hung up on me."
    assert filed.desired_outcome == "An apology"


def test_a_customer_files_a_complaint_about_an_existing_request(customer, ticket):
    filed = services.complaint_file(
        user=customer.user,
        subject=ComplaintSubject.SLOW_RESPONSE,
        title="",
        body="Three days and no answer.",
        ticket=ticket,
    )

    assert filed.ticket == ticket
    assert ticket.messages.last().body == "Three days and no answer."


def test_a_customer_cannot_file_a_complaint_about_someone_elses_request(customer, other_ticket):
    with pytest.raises(PermissionDenied):
        services.complaint_file(
            user=customer.user, subject=ComplaintSubject.FEES, title="", body="x", ticket=other_ticket
        )
