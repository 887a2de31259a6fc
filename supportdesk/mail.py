"""Transactional mail that is not part of a ticket's thread (confirmation links, surveys, reports).

Ticket notifications go through tickets.email.outbound (threaded, retried, with a delivery
status); these are rendered from templates in the recipient's language and sent at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_rendered_mail(
    *,
    to: list[str],
    language: str | None,
    subject_template: str,
    text_template: str,
    context: dict,
    html_template: str = "",
) -> None:
    """Render subject (one line), text and optional HTML in `language` (default: the site's), then send."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(subject_template, context).split())
        text = render_to_string(text_template, context)
        html = render_to_string(html_template, context) if html_template else None
    send_mail(subject, text, None, to, html_message=html)
