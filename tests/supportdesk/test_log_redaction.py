"""Secrets out of the logs: what the root handlers write during the verification and survey flows."""

import io
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from feedback.models import SurveyInvitation
from feedback.tokens import survey_token
from supportdesk.log_redaction import RedactSecretsFilter, redact
from tickets import services
from tickets.models import Channel
from tickets.safety.services import verification

pytestmark = pytest.mark.django_db

PHRASE = "abandon " * 11 + "about"
SIGNED = "eyJhIjoxfQ:1uXyZa:Qx9vJ2kLm3nOp4qRs5tUv6wXy7zA8bC9dE0fG1hI2jK"


@pytest.fixture
def log_output(settings):
    """Everything the configured root handlers write, at DEBUG level, as one string."""
    root = logging.getLogger()
    handlers = [h for h in root.handlers if any(isinstance(f, RedactSecretsFilter) for f in h.filters)]
    assert handlers, "settings.LOGGING must put the redaction filter on the root handlers"
    stream = io.StringIO()
    previous = [(handler, handler.setStream(stream)) for handler in handlers]
    level = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.setLevel(level)
    for handler, old_stream in previous:
        handler.setStream(old_stream)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("SMS to +86 138: SupportDesk code for SD-000123: 482913. Never share it.", "482913"),
        ("您的验证码是 482913", "482913"),
        ("Not Found: /portal/survey/4f3c2a1b9e8d7c6b:1uXyZa:Qx9vJ2kLm3nOp4qRs5tUv6wXy7zA8bC9dE0fG1hI2jK/", "4f3c2a"),
        (f"POST /portal/contact/confirm/{SIGNED}/", SIGNED),
        ("Authorization: Bearer sdt_1a2b3c4d_abcdefghijklmnopqrstuvwxyz012345", "sdt_1a2b3c4d"),
        ("X-Customer-Token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhQGIuY28ifQ.c2lnbmF0dXJl", "eyJzdWIiOiJhQGIuY28ifQ"),
        ("GET /accounts/password/reset/key/1-abc123-4f5e6d7c8b9a/", "4f5e6d7c8b9a"),
        ("callback?token=abcdef123456&page=2", "abcdef123456"),
        (f"customer wrote: {PHRASE} please", PHRASE),
    ],
)
def test_codes_tokens_links_and_wallet_secrets_are_redacted(text, secret):
    assert secret not in redact(text)


def test_ordinary_lines_are_left_alone():
    line = "Outbound email 42 failed (attempt 3): timed out; ticket SD-000123 solved in 3600 seconds"

    assert redact(line) == line


def test_no_code_reaches_the_log_during_identity_verification(
    log_output, customer, team, agent, mailoutbox, django_capture_on_commit_callbacks
):
    customer.phone = "+86 138 0000 0000"
    customer.save(update_fields=["phone"])
    ticket = services.ticket_create(
        customer=customer, subject="Locked", body="Locked out", channel=Channel.PORTAL, team=team
    )
    with django_capture_on_commit_callbacks(execute=True):
        verification.verification_request(ticket=ticket, actor=agent)
    code = re.search(r"^\s+(\d{6})$", mailoutbox[-1].body, re.MULTILINE).group(1)
    portal = Client()
    portal.force_login(customer.user)
    url = reverse("safety:verify_identity", args=[ticket.pk])
    for _wrong in range(5):
        portal.post(url, {"code": f"{(int(code) + 1) % 1_000_000:06d}"})
    logging.getLogger("supportdesk.tests").warning("customer said the code was %s", code)

    written = log_output.getvalue()

    assert "SMS to" in written
    assert "locked" in written
    assert code not in written


def test_no_survey_link_reaches_the_log(log_output, customer, team, agent, django_capture_on_commit_callbacks):
    ticket = services.ticket_create(
        customer=customer, subject="Stuck", body="Help", channel=Channel.EMAIL, actor=customer.user, team=team
    )
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    services.ticket_reply(ticket=ticket, body="We are on it.", actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_change_status(ticket=ticket, status="solved", actor=agent)
    invitation = SurveyInvitation.objects.get(ticket=ticket)
    link = reverse("feedback:survey", args=[survey_token(invitation.key)])
    token = link.rstrip("/").rsplit("/", 1)[1]
    visitor = Client()
    visitor.get(link)
    visitor.get(link[:-6] + "xxxxx/")
    visitor.post(link, {"overall": "9"})
    logging.getLogger("supportdesk.tests").info("survey sent: %s", link)

    written = log_output.getvalue()

    assert "survey/[redacted]" in written
    assert token.split(":")[-1] not in written
    assert token.split(":")[0] not in written
