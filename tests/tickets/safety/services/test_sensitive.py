"""Sensitive actions need a recent identity verification: in the services, the customer form and the ticket page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.tickets.admin.test_tickets import shown_messages
from tickets.complaints import services as complaint_services
from tickets.complaints.models import RemedyKind, Stage
from tickets.models import EventKind
from tickets.safety.models import IdentityVerification
from tickets.safety.services import sensitive

pytestmark = pytest.mark.django_db


def test_sensitive_help_is_refused_until_the_customer_verifies_and_then_recorded(ticket, agent, settings):
    settings.SAFETY_SENSITIVE_ACTION_WINDOW_MINUTES = 30
    factories.verified_identity(ticket, at=timezone.now() - timedelta(minutes=31))

    with pytest.raises(ValidationError) as stale:
        sensitive.sensitive_action_record(ticket=ticket, action="account_recovery", actor=agent)
    factories.verified_identity(ticket)
    sensitive.sensitive_action_record(ticket=ticket, action="account_disclosure", actor=agent)

    assert factories.error_codes(stale.value) == {sensitive.ERROR_VERIFICATION_REQUIRED}
    assert "within the last 30 minutes" in stale.value.messages[0]
    event = ticket.events.filter(kind=EventKind.VERIFICATION).get()
    assert (event.after, event.note, event.actor) == ("account_disclosure", "Disclosure of account details", agent)


def test_a_refund_is_paid_only_to_a_recently_verified_customer(ticket, agent, supervisor, team):
    complaint = factories.complaint(ticket=ticket, actor=agent, stage=Stage.INVESTIGATION)
    remedy = complaint_services.remedy_propose(
        complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=500, asset="USDT"
    )
    complaint_services.remedy_approve(remedy=remedy, actor=supervisor, reason="fee charged twice")

    with pytest.raises(ValidationError) as refused:
        complaint_services.remedy_mark_paid(remedy=remedy, actor=supervisor)
    factories.verified_identity(ticket)
    paid = complaint_services.remedy_mark_paid(remedy=remedy, actor=supervisor)

    assert factories.error_codes(refused.value) == {sensitive.ERROR_VERIFICATION_REQUIRED}
    assert paid.status == "paid"


def test_the_customer_form_refuses_a_contact_change_for_an_unverified_customer(client, administrator, ticket):
    customer = ticket.customer
    client.force_login(administrator)
    url = reverse("admin:tickets_customer_change", args=[customer.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key in form.fields}
    data |= {"phone": "+8613800000000", **{f"{prefix}-{n}": 0 for prefix in ("other_emails", "wallet_addresses")
             for n in ("TOTAL_FORMS", "INITIAL_FORMS")}}  # fmt: skip

    refused = client.post(url, data)
    factories.verified_identity(ticket)
    accepted = client.post(url, data)

    assert refused.status_code == 200
    assert "needs the customer&#x27;s identity verified" in refused.content.decode()
    assert accepted.status_code == 302
    customer.refresh_from_db()
    assert customer.phone == "+8613800000000"


def test_the_ticket_page_shows_the_state_and_sends_a_code_in_one_click(
    client, agent, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("admin:tickets_ticket_send_verification", args=[ticket.pk]), follow=True)
    refused = client.post(
        reverse("admin:tickets_ticket_sensitive_action", args=[ticket.pk]),
        {"sensitive_action": "account_recovery"},
        follow=True,
    )

    assert 'data-identity-state="none"' in page
    assert shown_messages(sent) == ["Code sent."]
    assert IdentityVerification.objects.filter(ticket=ticket, status="pending").count() == 1
    assert [mail.to for mail in mailoutbox] == [[ticket.customer.email]]
    assert "needs the customer's identity verified" in shown_messages(refused)[0]


def test_the_api_refuses_sensitive_help_for_an_unverified_customer_with_the_same_error(ticket, agent):
    client = factories.token_client(agent)
    url = f"/api/v1/tickets/{ticket.pk}/sensitive-actions/"

    refused = client.post(url, {"action": "account_recovery"}, format="json")
    factories.verified_identity(ticket)
    accepted = client.post(url, {"action": "account_recovery", "note": "walked through 2FA reset"}, format="json")

    error = refused.json()["error"]
    assert refused.status_code == 400
    assert error["fields"]["non_field_errors"][0]["code"] == sensitive.ERROR_VERIFICATION_REQUIRED
    assert "needs the customer's identity verified" in error["message"]
    assert accepted.status_code == 200
    assert ticket.events.get(kind=EventKind.VERIFICATION).note == "walked through 2FA reset"
