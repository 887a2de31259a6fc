"""Normalising what people type or send: emails, message bodies, HTML."""

import html
import re

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Tags a sanitised HTML message body may keep (mail from customers, rich replies).
ALLOWED_HTML_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "i", "li", "ol", "p", "pre", "span", "strong", "u", "ul",
}  # fmt: skip

MAX_BODY_LENGTH = 100_000

ERROR_EMPTY_BODY = "empty_body"
ERROR_BODY_TOO_LONG = "body_too_long"
ERROR_INVALID_EMAIL = "invalid_email"


def normalise_email(email: str) -> str:
    """Trim and lower-case an address; raise ValidationError if it is not one."""
    cleaned = (email or "").strip().lower()
    try:
        validate_email(cleaned)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid email address."), code=ERROR_INVALID_EMAIL) from error
    return cleaned


def clean_body(body: str) -> str:
    cleaned = (body or "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise ValidationError(_("The message is empty."), code=ERROR_EMPTY_BODY)
    if len(cleaned) > MAX_BODY_LENGTH:
        raise ValidationError(
            _("The message is too long (%(length)d characters; the limit is %(limit)d).")
            % {"length": len(cleaned), "limit": MAX_BODY_LENGTH},
            code=ERROR_BODY_TOO_LONG,
        )
    return cleaned


# Links in stored HTML may only open web pages or mail: bitcoin:, sms:, tel:, wallet deep links and the like are
# phishing tools in a wallet company's support mail.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_HTML_TAGS,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )


_BLOCK_END = re.compile(r"<br\s*/?>|</(p|div|li|blockquote|pre)>", re.IGNORECASE)


def html_to_text(markup: str) -> str:
    """Plain-text rendition of an HTML body: block ends become newlines, markup goes."""
    with_breaks = _BLOCK_END.sub("\n", markup or "")
    return html.unescape(nh3.clean(with_breaks, tags=set())).strip()
