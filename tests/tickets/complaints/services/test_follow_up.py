"""Follow-up: the confirmation email and link, the customer's answer, reminders and unconfirmed closing.

django-q2 runs in sync mode in tests, so enqueued tasks run when the on-commit callbacks do.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from tests import factories
from tickets.complaints import services, tokens
from tickets.complaints.models import Complaint, ConfirmationToken, Stage
from tickets.email.models import DeliveryStatus, OutboundEmail, OutboundKind
from tickets.models import EventKind, TicketEvent
from tickets.signals import complaint_closed

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/portal/complaints/confirm/([^/\s\"]+)/")


@pytest.fixture(autouse=True)
def _public_base_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def communicated(ticket, agent, mailoutbox, django_capture_on_commit_callbacks):
    """Alice's complaint whose resolution was just communicated (the email went out)."""
    with django_capture_on_commit_callbacks(execute=True):
        complaint = factories.complaint(ticket=ticket, actor=agent, stage=Stage.AWAITING_CONFIRMATION)
    return complaint


def link_token(message) -> str:
    return LINK.search(message.body).group(1)


def test_communicating_the_resolution_emails_a_link_in_text_and_html(communicated, mailoutbox, customer):
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    html = message.alternatives[0][0]
    token = link_token(message)
    assert message.to == [customer.email]
    assert communicated.reference in message.subject
    assert factories.RESOLUTION_TEXT in message.body
    assert token in html
    assert 'lang="en"' in html
    # Sent on the ticket's email thread, with a delivery status.
    outbound = OutboundEmail.objects.get(kind=OutboundKind.COMPLAINT)
    assert (outbound.ticket_id, outbound.status) == (communicated.ticket_id, DeliveryStatus.SENT)
    assert message.extra_headers["Message-ID"] == f"<{outbound.message_id}>"


def test_the_link_is_stored_only_as_a_hash(communicated, mailoutbox):
    token = link_token(mailoutbox[0])
    stored = ConfirmationToken.objects.get(complaint=communicated)

    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


def test_the_email_is_in_the_customers_language(
    ticket, agent, customer, mailoutbox, django_capture_on_commit_callbacks
):
    customer.language = "zh-hans"
    customer.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        factories.complaint(ticket=ticket, actor=agent, stage=Stage.AWAITING_CONFIRMATION)

    assert 'lang="zh-hans"' in mailoutbox[0].alternatives[0][0]


def test_a_valid_link_confirms_the_resolution_and_closes_the_complaint(communicated, mailoutbox, customer):
    closed = services.complaint_respond_with_link(token=link_token(mailoutbox[0]), resolved=True, comment="Thanks")

    assert (closed.stage, closed.customer_resolved, closed.customer_comment) == (Stage.CLOSED_CONFIRMED, True, "Thanks")
    event = TicketEvent.objects.filter(kind=EventKind.COMPLAINT_STAGE).last()
    assert (event.actor, event.after) == (customer.user, Stage.CLOSED_CONFIRMED)
    assert event.note == "customer: resolved (via customer link) – Thanks"


def test_the_stored_copy_shows_a_placeholder_and_the_link_is_erased_once_sent(communicated, mailoutbox):
    token = link_token(mailoutbox[0])
    outbound = OutboundEmail.objects.get(kind=OutboundKind.COMPLAINT)

    assert token not in outbound.body_text + outbound.body_html
    assert "[customer link]" in outbound.body_text and "[customer link]" in outbound.body_html
    assert outbound.customer_link == ""


def test_not_resolved_reopens_the_complaint(communicated, mailoutbox):
    reopened = services.complaint_respond_with_link(token=link_token(mailoutbox[0]), resolved=False, comment="Still 0")

    assert (reopened.stage, reopened.customer_resolved) == (Stage.REOPENED, False)


def test_a_link_works_once(communicated, mailoutbox):
    token = link_token(mailoutbox[0])
    services.complaint_respond_with_link(token=token, resolved=False)

    with pytest.raises(ValidationError) as error:
        services.complaint_respond_with_link(token=token, resolved=True)

    assert error.value.code == tokens.ERROR_LINK_USED
    assert Complaint.objects.get().stage == Stage.REOPENED


def test_an_expired_link_is_refused(communicated, mailoutbox):
    ConfirmationToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ValidationError) as error:
        services.complaint_respond_with_link(token=link_token(mailoutbox[0]), resolved=True)

    assert error.value.code == tokens.ERROR_LINK_EXPIRED


def test_a_link_older_than_its_signature_allows_is_refused(communicated, mailoutbox, settings):
    later = timezone.now() + timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS, seconds=5)

    with mock.patch("time.time", return_value=later.timestamp()), pytest.raises(ValidationError) as error:
        services.complaint_respond_with_link(token=link_token(mailoutbox[0]), resolved=True)

    assert error.value.code == tokens.ERROR_LINK_EXPIRED


def test_a_forged_or_tampered_link_is_refused(communicated, mailoutbox):
    token = link_token(mailoutbox[0])

    for forged in ("nonsense", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        with pytest.raises(ValidationError) as error:
            services.complaint_respond_with_link(token=forged, resolved=True)
        assert error.value.code == tokens.ERROR_LINK_INVALID


def test_someone_else_signed_in_cannot_use_the_link(communicated, mailoutbox, other_customer):
    with pytest.raises(ValidationError) as error:
        services.complaint_respond_with_link(token=link_token(mailoutbox[0]), resolved=True, user=other_customer.user)

    assert error.value.code == tokens.ERROR_LINK_INVALID
    assert Complaint.objects.get().stage == Stage.AWAITING_CONFIRMATION


def test_a_signed_in_agent_cannot_answer_with_the_customers_link(communicated, mailoutbox, agent):
    """Issue 19, finding 2: an agent who got hold of the link must not confirm the complaint as the customer."""
    with pytest.raises(ValidationError) as error:
        services.complaint_respond_with_link(token=link_token(mailoutbox[0]), resolved=True, user=agent)

    assert error.value.code == tokens.ERROR_LINK_INVALID
    assert Complaint.objects.get(pk=communicated.pk).stage == Stage.AWAITING_CONFIRMATION


def test_a_signed_in_customer_answers_in_the_portal_and_the_link_dies(communicated, mailoutbox, customer):
    services.complaint_respond(complaint=communicated, resolved=True, user=customer.user)

    with pytest.raises(ValidationError) as error:
        services.complaint_respond_with_link(token=link_token(mailoutbox[0]), resolved=False)

    assert error.value.code == tokens.ERROR_LINK_USED


# Reminder and closing (the daily sweep) ------------------------------------


def run_sweep_at(moment, capture):
    """Run the scheduled task as django-q2 would, with the clock at `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment), capture(execute=True):
        async_task("tickets.complaints.tasks.follow_up_sweep")


def test_the_sweep_reminds_after_n_days_once_and_closes_after_m_days(
    communicated, mailoutbox, settings, django_capture_on_commit_callbacks
):
    start = communicated.resolution_communicated_at
    closed_signals = []
    complaint_closed.connect(receiver := lambda sender, **kwargs: closed_signals.append(kwargs["complaint_id"]))
    try:
        run_sweep_at(
            start + timedelta(days=settings.COMPLAINT_REMINDER_AFTER_DAYS, seconds=-60),
            django_capture_on_commit_callbacks,
        )
        assert len(mailoutbox) == 1

        run_sweep_at(start + timedelta(days=settings.COMPLAINT_REMINDER_AFTER_DAYS), django_capture_on_commit_callbacks)
        run_sweep_at(
            start + timedelta(days=settings.COMPLAINT_REMINDER_AFTER_DAYS + 1), django_capture_on_commit_callbacks
        )
        assert len(mailoutbox) == 2
        assert "Reminder" in mailoutbox[1].subject
        assert Complaint.objects.get().stage == Stage.AWAITING_CONFIRMATION

        close_at = start + timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS)
        run_sweep_at(close_at, django_capture_on_commit_callbacks)
        run_sweep_at(close_at + timedelta(days=1), django_capture_on_commit_callbacks)
    finally:
        complaint_closed.disconnect(receiver)

    complaint = Complaint.objects.get()
    assert (complaint.stage, complaint.closed_at) == (Stage.CLOSED_UNCONFIRMED, close_at)
    assert closed_signals == [complaint.pk]
    # Link and reminder only; the closure's satisfaction survey is the feedback app's mail.
    assert len([mail for mail in mailoutbox if "/portal/survey/" not in mail.body]) == 2
    kinds = list(
        TicketEvent.objects.filter(kind__in=[EventKind.COMPLAINT_FOLLOW_UP, EventKind.COMPLAINT_STAGE])
        .order_by("id")
        .values_list("kind", "after")
    )[-2:]
    assert kinds == [(EventKind.COMPLAINT_FOLLOW_UP, "reminder"), (EventKind.COMPLAINT_STAGE, Stage.CLOSED_UNCONFIRMED)]


def test_the_reminder_link_works_too(communicated, mailoutbox, settings, django_capture_on_commit_callbacks):
    later = communicated.resolution_communicated_at + timedelta(days=settings.COMPLAINT_REMINDER_AFTER_DAYS)
    run_sweep_at(later, django_capture_on_commit_callbacks)

    answered = services.complaint_respond_with_link(token=link_token(mailoutbox[1]), resolved=True)

    assert answered.stage == Stage.CLOSED_CONFIRMED


def test_the_sweep_handles_many_complaints_in_one_go(customer, team, agent, settings):
    complaints = [
        factories.complaint(
            ticket=factories.ticket(customer=customer, team=team), actor=agent, stage=Stage.AWAITING_CONFIRMATION
        )
        for _n in range(3)
    ]
    later = timezone.now() + timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS)

    result = services.complaint_follow_up_sweep(now=later)

    assert sorted(result.closed) == sorted(c.pk for c in complaints)
    assert result.reminded == []
    assert services.complaint_follow_up_sweep(now=later).closed == []


def test_the_daily_schedule_exists_and_points_at_the_sweep():
    schedule = Schedule.objects.get(func="tickets.complaints.tasks.follow_up_sweep")

    assert (schedule.schedule_type, schedule.repeats) == (Schedule.DAILY, -1)
