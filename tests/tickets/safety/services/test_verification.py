"""Identity verification: codes by email and SMS, single use, expiry, lock-out, rate limit, hashed at rest."""

import logging
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.models import AuthorKind, Channel, EventKind
from tickets.safety import selectors
from tickets.safety.models import IdentityVerification, VerificationStatus
from tickets.safety.services import verification


@pytest.fixture
def ticket(customer, team):
    customer.phone = "+86 138 0000 0000"
    customer.save(update_fields=["phone"])
    return services.ticket_create(
        customer=customer, subject="Account", body="Locked out", channel=Channel.PORTAL, team=team
    )


def request_code(ticket, agent, mailoutbox, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        verification.verification_request(ticket=ticket, actor=agent)
    return re.search(r"^\s+(\d{6})$", mailoutbox[-1].body, re.MULTILINE).group(1)


def test_request_sends_the_code_by_email_and_sms_and_stores_only_a_hash(
    ticket, agent, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="tickets.safety.sms")

    code = request_code(ticket, agent, mailoutbox, django_capture_on_commit_callbacks)

    record = IdentityVerification.objects.get(ticket=ticket)
    assert (record.channels, record.status, record.requested_by) == ("email+sms", VerificationStatus.PENDING, agent)
    assert code not in record.code_hash and len(record.code_hash) == 64
    assert mailoutbox[-1].to == [ticket.customer.email]
    assert f"/portal/verify-identity/{ticket.pk}/" in mailoutbox[-1].body
    # The development SMS backend logs the message; the log filter keeps the code out of it.
    sms_lines = [r.getMessage() for r in caplog.records if r.name == "tickets.safety.sms"]
    assert any("+86 138 0000 0000" in line for line in sms_lines)
    assert not any(code in line for line in sms_lines)
    assert ticket.messages.filter(author_kind=AuthorKind.SYSTEM, is_internal=False).exists()
    assert not ticket.messages.filter(body__contains=code).exists()


def test_correct_code_verifies_once_and_shows_on_the_ticket(
    ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    code = request_code(ticket, agent, mailoutbox, django_capture_on_commit_callbacks)

    assert verification.verification_check(ticket=ticket, code=code, through="portal") == verification.VERIFIED
    assert verification.verification_check(ticket=ticket, code=code, through="portal") == verification.NOTHING_PENDING
    label = selectors.verification_label(IdentityVerification.objects.latest_for(ticket))
    assert label.startswith("identity verified (email+sms, at ")
    assert ticket.events.filter(kind=EventKind.VERIFICATION, after=VerificationStatus.VERIFIED).exists()


def test_expired_code_is_refused(ticket, agent, mailoutbox, django_capture_on_commit_callbacks):
    code = request_code(ticket, agent, mailoutbox, django_capture_on_commit_callbacks)
    IdentityVerification.objects.filter(ticket=ticket).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert verification.verification_check(ticket=ticket, code=code, through="portal") == verification.EXPIRED
    assert IdentityVerification.objects.get(ticket=ticket).status == VerificationStatus.EXPIRED


def test_five_wrong_codes_lock_it_even_for_the_right_code(
    ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    code = request_code(ticket, agent, mailoutbox, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    results = [verification.verification_check(ticket=ticket, code=wrong, through="portal") for _ in range(5)]

    assert results == [verification.WRONG] * 4 + [verification.LOCKED]
    assert verification.verification_check(ticket=ticket, code=code, through="portal") == verification.LOCKED
    assert IdentityVerification.objects.get(ticket=ticket).failed_attempts == 5


def test_a_new_code_supersedes_the_old_one_and_requests_are_rate_limited(
    ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(3):
        request_code(ticket, agent, mailoutbox, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError) as error:
        verification.verification_request(ticket=ticket, actor=agent)
    assert error.value.code == verification.ERROR_TOO_MANY_REQUESTS
    statuses = list(IdentityVerification.objects.order_by("id").values_list("status", flat=True))
    assert statuses == [VerificationStatus.SUPERSEDED, VerificationStatus.SUPERSEDED, VerificationStatus.PENDING]


def test_only_staff_who_see_the_ticket_may_request(ticket, other_agent, customer):
    with pytest.raises(PermissionDenied):
        verification.verification_request(ticket=ticket, actor=other_agent)
    with pytest.raises(PermissionDenied):
        verification.verification_request(ticket=ticket, actor=customer.user)


def test_customer_may_reply_with_the_code_and_it_is_not_stored(
    ticket, agent, customer, mailoutbox, django_capture_on_commit_callbacks
):
    code = request_code(ticket, agent, mailoutbox, django_capture_on_commit_callbacks)

    message = services.ticket_customer_reply(ticket=ticket, body=f"Here it is: {code}", via=Channel.EMAIL)

    assert message.body == "Here it is: [verification code removed]"
    assert IdentityVerification.objects.get(ticket=ticket).verified_through == "reply"


def test_portal_page_accepts_the_code(client, ticket, agent, customer, mailoutbox, django_capture_on_commit_callbacks):
    code = request_code(ticket, agent, mailoutbox, django_capture_on_commit_callbacks)
    client.force_login(customer.user)
    url = reverse("safety:verify_identity", args=[ticket.pk])

    page = client.get(url)
    wrong = client.post(url, {"code": "12345"})
    right = client.post(url, {"code": code}, follow=True)

    assert page.status_code == 200 and b'autocomplete="one-time-code"' in page.content
    assert wrong.status_code == 200 and "Enter the 6 digits" in wrong.content.decode()
    assert "your identity is confirmed" in right.content.decode()
    assert IdentityVerification.objects.get(ticket=ticket).verified_through == "portal"


def test_portal_page_is_404_for_another_customer(client, ticket, other_customer):
    client.force_login(other_customer.user)

    assert client.get(reverse("safety:verify_identity", args=[ticket.pk])).status_code == 404


def test_admin_action_requests_verification(client, ticket, agent, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:tickets_ticket_changelist"),
            {"action": "request_identity_verification", "_selected_action": [ticket.pk]},
            follow=True,
        )

    assert "Verification codes sent for 1 tickets." in response.content.decode()
    assert IdentityVerification.objects.filter(ticket=ticket, requested_by=agent).exists()
    assert len(mailoutbox) == 1
