"""Mail rendered from templates in the recipient's language.

`render_mail` gives subject, text and HTML; a mail about a ticket (survey link, complaint
confirmation) is then queued on the ticket's thread by tickets.email.services.outbound.outbound_email_queue_prepared
(threaded, retried, with a delivery status). `send_rendered_mail` sends the ones that belong to no
ticket (confirmation links of the contact form and the bot hand-off, reports to managers) at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

# Shown to staff wherever a stored mail had a customer link; one link per mail. Not translated: the
# send step must find it again whatever the language of the mail.
CUSTOMER_LINK_PLACEHOLDER = "[customer link]"


def insert_customer_link(*, text: str, html: str, link: str) -> tuple[str, str]:
    """The sendable text and HTML: the placeholder replaced by the link (no-op without a link)."""
    if not link:
        return text, html
    return (
        text.replace(CUSTOMER_LINK_PLACEHOLDER, link),
        html.replace(escape(CUSTOMER_LINK_PLACEHOLDER), escape(link)),
    )


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    # The real link behind CUSTOMER_LINK_PLACEHOLDER; kept out of text and html (the stored copy).
    customer_link: str = ""


def render_mail(
    *,
    language: str | None,
    subject_template: str,
    text_template: str,
    context: dict,
    html_template: str = "",
    customer_link: tuple[str, str] | None = None,
) -> RenderedMail:
    """Subject (one line), text and optional HTML rendered in `language` (default: the site's).

    `customer_link` is (context name, URL): the templates see the placeholder under that name and the
    URL is kept aside in RenderedMail.customer_link.
    """
    link = ""
    with translation.override(language or settings.LANGUAGE_CODE):
        if customer_link is not None:
            name, link = customer_link
            context = {**context, name: CUSTOMER_LINK_PLACEHOLDER}
        return RenderedMail(
            subject=" ".join(render_to_string(subject_template, context).split()),
            text=render_to_string(text_template, context),
            html=render_to_string(html_template, context) if html_template else "",
            customer_link=link,
        )


def send_rendered_mail(
    *,
    to: list[str],
    language: str | None,
    subject_template: str,
    text_template: str,
    context: dict,
    html_template: str = "",
) -> None:
    """Render (see render_mail) and send at once."""
    mail = render_mail(
        language=language,
        subject_template=subject_template,
        text_template=text_template,
        context=context,
        html_template=html_template,
    )
    send_mail(mail.subject, mail.text, None, to, html_message=mail.html or None)
