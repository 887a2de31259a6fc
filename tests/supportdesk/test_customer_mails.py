"""Every mail a customer receives, rendered in every customer language: no English line left.

The mails are rendered from their templates with the same context in English and in each language
(supportdesk.kit.mail renders inside translation.override, whatever the agent's language); a line
identical in both that still has an English word is English the customer would read. This fails for a
language until its catalog is complete (tests/supportdesk/test_catalogs.py says which strings).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from supportdesk.kit.mail import render_mail
from tests.language_checks import english_leftovers
from tickets.complaints.models import RemedyKind

LANGUAGES = ["es", "fr", "id", "vi", "zh-hant", "zh-hans"]

# (subject template or "", body templates): every mail to a customer, text and HTML.
CUSTOMER_MAILS = {
    "acknowledgement": ("", ["emails/acknowledgement.txt", "emails/acknowledgement.html"]),
    "reply": ("", ["emails/reply.txt", "emails/reply.html"]),
    "pending_customer": ("", ["emails/pending_customer.txt", "emails/pending_customer.html"]),
    "solved": ("", ["emails/solved.txt", "emails/solved.html"]),
    "exposure_guidance": ("", ["emails/security_warning.txt", "emails/security_warning.html"]),
    "progress_update_or_reminder": ("", ["emails/follow_up.txt", "emails/follow_up.html"]),
    "secret_warning": ("", ["tickets/safety/secret_warning.txt"]),
    "verification_code": ("", ["tickets/safety/verification_code.txt"]),
    "verification_requested": ("", ["tickets/safety/verification_requested.txt"]),
    "complaint_steps": (
        "emails/complaints/confirmation_subject.txt",
        ["emails/complaints/confirmation.txt", "emails/complaints/confirmation.html"],
    ),
    "survey_invitation": (
        "feedback/email/survey_invitation_subject.txt",
        ["feedback/email/survey_invitation.txt", "feedback/email/survey_invitation.html"],
    ),
    "contact_confirmation": ("portal/email/contact_confirm_subject.txt", ["portal/email/contact_confirm_message.txt"]),
    "bot_handoff_confirmation": (
        "knowledge/email/handoff_confirm_subject.txt",
        ["knowledge/email/handoff_confirm_message.txt"],
    ),
    "failed_sign_ins": ("supportdesk/email/failed_logins_subject.txt", ["supportdesk/email/failed_logins_message.txt"]),
}


def _context() -> dict:
    customer = SimpleNamespace(name="Linh", email="linh@example.com")
    ticket = SimpleNamespace(reference="SD-000123", subject="USDT 0x9f2c", status="pending_customer", customer=customer)
    remedy = SimpleNamespace(get_kind_display=RemedyKind.REFUND.label, description="0x9f2c", amount_display="10 USDT")
    return {
        "ticket": ticket, "customer": customer, "reference": "SD-000123", "subject": "USDT 0x9f2c", "name": "Linh",
        "message": SimpleNamespace(body="0x9f2c", attachments=SimpleNamespace(all=list)), "agent_name": "agent_mai",
        "support_name": "SupportDesk", "complaint": SimpleNamespace(reference="SD-000123", resolution_summary="0x9f2c"),
        "remedies": [remedy], "reminder": False, "close_after_days": 7, "days": 7, "minutes": 15, "failures": 6,
        "code": "482913", "kinds": "0x9f2c", "removed": True, "channel": "SupportDesk",
        "url": "https://example.com/x", "confirm_url": "https://example.com/x", "detail_url": "https://example.com/x",
        "link_url": "https://example.com/x", "ticket_url": "https://example.com/x", "site_url": "https://example.com",
        "invitation": SimpleNamespace(customer=customer, expires_at="2026-12-31", language="en"), "date": "2026-12-31",
        "user": SimpleNamespace(get_short_name="Linh", get_username="Linh"),
    }  # fmt: skip


def rendered_lines(mail: str, language: str) -> list[str]:
    subject, bodies = CUSTOMER_MAILS[mail]
    lines = []
    for body in bodies:
        rendered = render_mail(
            language=language,
            subject_template=subject or body,
            text_template=body,
            context=_context(),
        )
        lines += [rendered.subject] if subject else []
        lines += [line.strip() for line in _text(rendered.text).splitlines() if line.strip()]
    return lines


def _text(rendered: str) -> str:
    """HTML mails compared by their text, one tag or line break per line."""
    return rendered.replace("<", "\n<").replace(">", ">\n")


@pytest.mark.parametrize("mail", CUSTOMER_MAILS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_customer_mail_reads_without_english(mail, language):
    english = [line for line in rendered_lines(mail, "en") if not line.startswith("<")]

    assert english_leftovers(english, rendered_lines(mail, language), language) == []


def test_a_mail_is_rendered_in_the_customers_language_whatever_the_agents(settings):
    with translation.override("en"):
        lines = rendered_lines("solved", "zh-hant")

    assert any("已標記為已解決" in line for line in lines)
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_the_comparison_flags_english_lines_only():
    english = ["My requests", "SupportDesk", "SD-000123 · USDT 0x9f2c", "Email", "Status: open"]
    translated = ["Mis solicitudes", "SupportDesk", "SD-000123 · USDT 0x9f2c", "Email", "Status: open"]

    assert english_leftovers(english, translated, "es") == ["Email", "Status: open"]
    assert english_leftovers(english, translated, "id") == ["Status: open"]
