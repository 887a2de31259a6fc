"""Mail that machines send: automatic replies, bounces, and our own messages coming back.

Recognising them is what stops mail loops: they are never acknowledged, an
auto-reply never reopens a ticket, and a bounce is filed on the ticket whose
mail bounced.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.parser import HeaderParser
from email.utils import parseaddr

from django.conf import settings

from tickets.email.models import InboundKind

_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# Headers set by vacation responders and ticket systems (their mere presence counts).
_AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoreply-From", "X-Mail-Autoreply", "List-Id")
_BOUNCE_LOCAL_PARTS = {"mailer-daemon", "postmaster"}
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|自动回复|自動回覆|自动答复)", re.IGNORECASE
)
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


def _header(msg: EmailMessage, name: str) -> str:
    return str(msg.get(name, "") or "").strip().lower()


def is_bounce(msg: EmailMessage, *, sender: str) -> bool:
    """A delivery-status report (RFC 3464) or a notice from a mailer daemon."""
    if (
        msg.get_content_type() == "multipart/report"
        and (msg.get_param("report-type") or "").lower() == "delivery-status"
    ):
        return True
    if sender.split("@", 1)[0] in _BOUNCE_LOCAL_PARTS:
        return True
    return bool(_header(msg, "X-Failed-Recipients"))


def is_auto_reply(msg: EmailMessage, *, subject: str) -> bool:
    """An out-of-office, an autoresponder or list/bulk mail (RFC 3834 and the de-facto headers)."""
    auto_submitted = _header(msg, "Auto-Submitted")
    if auto_submitted and auto_submitted != "no":
        return True
    if _header(msg, "Precedence") in _BULK_PRECEDENCE:
        return True
    if any(msg.get(name) is not None for name in _AUTO_REPLY_HEADERS):
        return True
    return bool(_AUTO_REPLY_SUBJECT.match(subject))


def classify(msg: EmailMessage, *, sender: str, subject: str) -> str:
    if is_bounce(msg, sender=sender):
        return InboundKind.BOUNCE
    if is_auto_reply(msg, subject=subject):
        return InboundKind.AUTO_REPLY
    return InboundKind.MESSAGE


def bounced_message_ids(msg: EmailMessage) -> list[str]:
    """Message-IDs of the mail that bounced: from the returned copy or headers, else the threading headers."""
    found: list[str] = []
    for part in msg.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and part.is_multipart():
            found += _MESSAGE_ID.findall(str(part.get_payload(0).get("Message-ID", "")))
        elif content_type == "text/rfc822-headers":
            headers = HeaderParser().parsestr(part.get_content())
            found += _MESSAGE_ID.findall(str(headers.get("Message-ID", "")))
    for name in ("In-Reply-To", "References"):
        found += _MESSAGE_ID.findall(str(msg.get(name, "")))
    return list(dict.fromkeys(found))


def _split(address: str) -> tuple[str, str]:
    local, _at, domain = address.strip().lower().rpartition("@")
    return local.split("+", 1)[0], domain


def is_own_address(address: str) -> bool:
    """Our support address, including its plus-addressed variants (support+SD-000123@…)."""
    own = parseaddr(settings.SUPPORT_EMAIL_ADDRESS)[1]
    return bool(address) and _split(address) == _split(own)
