"""Raw mail bytes → ParsedEmail: accept whatever a human could read.

Parsing uses the standard library (`email`, policy.default). Charsets are
repaired in tickets.email.charsets, the sender is found in tickets.email.addresses
(From → Sender → Reply-To → Return-Path, RFC 2047 decoded), text and attachments
come from tickets.email.mime (which recovers broken multiparts), and machine mail
is recognised in tickets.email.loops. Only a mail with nobody to answer, or one
that is dangerous, raises UnparseableEmail (its `reason` is shown in the quarantine).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser

from django.conf import settings

from tickets.email import loops
from tickets.email.addresses import addresses_in, find_sender, raw_header_values
from tickets.email.charsets import decode_bytes, decode_header_value
from tickets.email.mime import (
    QUARANTINE_NO_SENDER,
    QUARANTINE_SPOOFED,
    ParsedAttachment,
    UnparseableEmail,
    read_content,
)
from tickets.email.models import InboundKind

__all__ = [
    "REPLY_MARKER", "SUBJECT_REFERENCE", "ParsedAttachment", "ParsedEmail", "UnparseableEmail", "decode_bytes",
    "decode_header_value", "dedup_key", "message_ids", "parse_email", "peek_headers", "strip_quoted_reply",
]  # fmt: skip

_MESSAGE_ID = re.compile(r"<([^<>\s\x00-\x1f\x7f]+)>")
# A ticket reference in a subject, "[SD-000123]" (our notifications put it there).
SUBJECT_REFERENCE = re.compile(r"\[\s*SD-0*(\d{1,12})\s*\]", re.IGNORECASE)
_WHITESPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
_DMARC_FAIL = re.compile(r"\bdmarc\s*=\s*fail\b", re.IGNORECASE)


@dataclass
class ParsedEmail:
    message_id: str
    from_address: str
    from_name: str
    subject: str
    reply_ids: list[str]
    recipients: list[str]
    text: str
    attachments: list[ParsedAttachment]
    kind: str = InboundKind.MESSAGE
    bounce: loops.BounceReport | None = None
    # Which header the sender came from (From, Sender, Reply-To, Return-Path).
    sender_header: str = "From"
    # The MIME structure was broken and had to be recovered: agents get the raw source too.
    recovered: bool = False
    # Distributed by a mailing list or passed on by a forwarding rule: never acknowledged.
    wants_no_answer: bool = False
    bounced_ids: list[str] = field(default_factory=list)


def message_ids(value: str | None) -> list[str]:
    """The ids in a Message-ID / In-Reply-To / References header, without angle brackets."""
    if not value:
        return []
    found = _MESSAGE_ID.findall(str(value))
    bare = str(value).strip()
    if not found and bare and not _WHITESPACE_OR_CONTROL.search(bare):
        found = [bare]
    return found


def dedup_key(message_id: str, raw: bytes) -> str:
    basis = f"id:{message_id}".encode() if message_id else b"raw:" + raw
    return hashlib.sha256(basis).hexdigest()


@dataclass(frozen=True)
class HeaderSummary:
    message_id: str
    from_address: str
    subject: str


def peek_headers(raw: bytes) -> HeaderSummary:
    """Message-ID, sender and subject read from the header block alone (never raises)."""
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
        ids = message_ids(headers.get("Message-ID"))
        sender = find_sender(headers)
        subject = decode_header_value(headers.get("Subject"))
    except Exception:  # noqa: BLE001 - a summary for the quarantine list; the real parse reports the error
        return HeaderSummary(message_id="", from_address="", subject="")
    from_address = sender.address if sender else ""
    return HeaderSummary(message_id=ids[0] if ids else "", from_address=from_address[:254], subject=subject[:255])


def _first_raw(msg: Message, name: str) -> str:
    values = raw_header_values(msg, name)
    return values[0] if values else ""


def _is_spoofed(msg: Message) -> bool:
    """Our own mail server (SUPPORT_EMAIL_AUTHSERV_ID) says the sender's domain failed DMARC (RFC 8601)."""
    authserv_id = settings.SUPPORT_EMAIL_AUTHSERV_ID.lower()
    if not authserv_id:
        return False
    for value in raw_header_values(msg, "Authentication-Results"):
        server, _semicolon, results = value.partition(";")
        if server.strip().lower().split()[:1] == [authserv_id] and _DMARC_FAIL.search(results):
            return True
    return False


def parse_email(raw: bytes, *, trusted: bool = False) -> ParsedEmail:
    """Parse raw bytes; raise UnparseableEmail when nobody can be answered or the mail is dangerous.

    `trusted` (an agent chose to make a ticket of a quarantined mail) skips the danger checks.
    """
    msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    subject = decode_header_value(_first_raw(msg, "Subject"))
    sender = find_sender(msg)
    kind = loops.classify(msg, sender=sender.address if sender else "", subject=subject)
    if sender is None and kind != InboundKind.BOUNCE and not trusted:
        raise UnparseableEmail(
            "no usable sender address (From, Sender, Reply-To, Return-Path)", reason=QUARANTINE_NO_SENDER
        )
    if not trusted and kind == InboundKind.MESSAGE and _is_spoofed(msg):
        raise UnparseableEmail("the sender's domain failed DMARC at our mail server", reason=QUARANTINE_SPOOFED)
    content = read_content(msg, raw=raw, limit=not trusted)
    ids = message_ids(_first_raw(msg, "Message-ID"))
    reply_ids = message_ids(_first_raw(msg, "In-Reply-To")) + message_ids(_first_raw(msg, "References"))
    reply_ids += loops.receipt_original_ids(msg)
    recipients = [
        address
        for name in _RECIPIENT_HEADERS
        for value in raw_header_values(msg, name)
        for _name, address in addresses_in(value)
    ]
    bounce = loops.bounce_report(msg) if kind == InboundKind.BOUNCE else None
    return ParsedEmail(
        message_id=ids[0] if ids else "",
        from_address=sender.address if sender else "",
        from_name=sender.name if sender else "",
        subject=subject,
        reply_ids=list(dict.fromkeys(reply_ids)),
        recipients=list(dict.fromkeys(recipients)),
        text=content.text,
        attachments=content.attachments,
        kind=kind,
        bounce=bounce,
        sender_header=sender.header if sender else "",
        recovered=content.recovered,
        wants_no_answer=loops.wants_no_automatic_answer(msg),
        bounced_ids=bounce.original_ids if bounce else [],
    )


# Replies --------------------------------------------------------------------

# Our own outbound mails carry this line; everything below it is the quoted conversation.
REPLY_MARKER = "##- Please type your reply above this line -##"

# Lines where common mail clients start the quoted previous message.
_QUOTE_HEADERS = [
    re.compile(r"^##- .* -##\s*$"),
    re.compile(r"^On\b(?=.*[@\d]).{0,300}\bwrote:\s*$", re.DOTALL),
    re.compile(r"^在.{0,300}写道[:：]\s*$", re.DOTALL),
    re.compile(r"^-{2,}\s*(Original Message|原始邮件|原始郵件)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^_{20,}\s*$"),
    re.compile(r"^(From|发件人|寄件者)\s*[:：].+\n(Sent|Date|发送时间|寄件日期|日期)\s*[:：]", re.IGNORECASE),
]


def strip_quoted_reply(text: str) -> str:
    """The new part of a reply: cut at the first quote header we reliably recognise.

    Returns the text unchanged when nothing is recognised or nothing would remain.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    for index in range(len(lines)):
        window_one = lines[index].strip()
        window_two = "\n".join(line.strip() for line in lines[index : index + 2])
        if any(pattern.match(window_one) or pattern.match(window_two) for pattern in _QUOTE_HEADERS):
            kept = "\n".join(lines[:index]).rstrip()
            return kept or text
        if window_one.startswith(">") and all(
            not line.strip() or line.lstrip().startswith(">") for line in lines[index:]
        ):
            kept = "\n".join(lines[:index]).rstrip()
            return kept or text
    return text
