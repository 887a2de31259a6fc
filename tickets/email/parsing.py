"""Raw mail bytes → ParsedEmail, whatever charset or structure a real mailbox sends.

Parsing uses the standard library (`email`, policy.default). Text is decoded
with the declared charset where it works and with fallbacks where mail lies:
strict UTF-8 first (mail labelled iso-8859-1 or gb2312 is often really UTF-8),
the declared charset through a table of supersets (gb2312 → gb18030,
big5 → big5hkscs, iso-8859-1 → windows-1252), then GB18030 or Big5 when the result reads as CJK, then
windows-1252. Header values carrying raw 8-bit bytes are repaired the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from email import errors, policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr

from supportdesk.kit.text import html_to_text, sanitise_html
from tickets.email import loops
from tickets.email.models import InboundKind

# Labels whose real encoding is a superset (what the sending software actually produced).
_CHARSET_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "tis-620": "cp874",
    "windows-874": "cp874",
}
# Labels that say nothing about 8-bit bytes: such bytes mean the label is wrong.
_NO_LABEL = {"", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "default"}
# Encodings whose bytes may happen to be valid UTF-8: trust the label first.
_TRUST_LABEL_FIRST = ("utf-16", "utf-32", "utf-7")
# Unlabelled CJK text decodes as these only if nearly every non-ASCII character is CJK.
_CJK_GUESSES = ("gb18030", "big5hkscs")
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

# Multipart damage that leaves no reliable content: the mail goes to quarantine.
_FATAL_DEFECTS = (errors.StartBoundaryNotFoundDefect, errors.MultipartInvariantViolationDefect)

_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# A ticket reference in a subject, "[SD-000123]" (our notifications put it there).
SUBJECT_REFERENCE = re.compile(r"\[\s*SD-0*(\d{1,12})\s*\]", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\udc80-\udcff]")


class UnparseableEmail(ValueError):
    """The bytes are not a mail we can turn into a message (no sender, broken MIME)."""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool


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
    bounced_ids: list[str] = field(default_factory=list)


# Decoding ------------------------------------------------------------------


def _looks_cjk(text: str) -> bool:
    """At least two CJK characters, and almost nothing else outside ASCII (mis-decoded bytes scatter)."""
    non_ascii = [char for char in text if ord(char) > 127]
    cjk = sum(1 for char in non_ascii if _CJK.match(char))
    return cjk >= 2 and cjk >= 0.9 * len(non_ascii)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from bytes in whatever charset they really are (see the module docstring)."""
    label = (declared or "").strip().strip('"').lower()
    if label.startswith(_TRUST_LABEL_FIRST):
        try:
            return data.decode(label)
        except (UnicodeDecodeError, LookupError):
            label = ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared_text = None
    if label not in _NO_LABEL:
        charset = _CHARSET_SUPERSETS.get(label, label)
        with contextlib.suppress(UnicodeDecodeError, LookupError):
            declared_text = data.decode(charset)
        # A Chinese label on bytes that decode to non-Chinese is the other Chinese encoding.
        if declared_text is not None and (charset not in _CJK_GUESSES or _looks_cjk(declared_text)):
            return declared_text
    for charset in _CJK_GUESSES:
        try:
            text = data.decode(charset)
        except UnicodeDecodeError:
            continue
        if _looks_cjk(text):
            return text
    if declared_text is not None:
        return declared_text
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _repair(value: str) -> str:
    """Undo the parser's surrogateescape of raw 8-bit header bytes."""
    if not _SURROGATE.search(value):
        return value
    return decode_bytes(value.encode("utf-8", "surrogateescape"))


def decode_header_value(value: str | None) -> str:
    """A header as one clean line of text: encoded words decoded, raw 8-bit bytes repaired, no CR/LF."""
    if not value:
        return ""
    value = str(value)
    try:
        chunks = decode_header(value)
    except errors.HeaderParseError:
        chunks = [(value, None)]
    decoded, previous_charset = [], "start"
    for chunk, charset in chunks:
        # decode_header drops the space between plain text and an encoded word (as make_header re-adds it).
        if previous_charset != "start" and None in (charset, previous_charset):
            decoded.append(" ")
        previous_charset = charset
        if isinstance(chunk, str):
            decoded.append(_repair(chunk))
        elif charset is None:
            # Unencoded text between encoded words comes back as raw-unicode-escape bytes.
            decoded.append(_repair(chunk.decode("raw-unicode-escape")))
        else:
            decoded.append(decode_bytes(chunk, charset))
    return _WHITESPACE.sub(" ", "".join(decoded)).strip()


def message_ids(value: str | None) -> list[str]:
    """The ids in a Message-ID / In-Reply-To / References header, without angle brackets."""
    if not value:
        return []
    found = _MESSAGE_ID.findall(str(value))
    if not found and str(value).strip() and " " not in str(value).strip():
        found = [str(value).strip()]
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
        from_address = parseaddr(str(headers.get("From", "")))[1].lower()
        subject = decode_header_value(headers.get("Subject"))
    except Exception:  # noqa: BLE001 - a summary for the quarantine list; the real parse reports the error
        return HeaderSummary(message_id="", from_address="", subject="")
    return HeaderSummary(message_id=ids[0] if ids else "", from_address=from_address[:254], subject=subject[:255])


# Structure ------------------------------------------------------------------


def _raw_header(msg: Message, name: str) -> str:
    """The header as stored (before policy parsing), so 8-bit bytes can still be repaired."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _leaf_parts(msg: Message):
    """Every non-multipart part, without descending into attached messages (forwards, bounce copies)."""
    if msg.is_multipart() and msg.get_content_maintype() == "multipart":
        for part in msg.get_payload():
            yield from _leaf_parts(part)
    else:
        yield msg


def _check_structure(msg: Message) -> None:
    for part in msg.walk():
        for defect in part.defects:
            if isinstance(defect, _FATAL_DEFECTS):
                raise UnparseableEmail(f"broken MIME structure: {type(defect).__name__}")


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_bytes(payload, part.get_content_charset())


def _attachment_name(part: Message, index: int) -> str:
    name = part.get_filename()
    if name:
        return decode_header_value(name) if "=?" in name else _repair(name)
    extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"inline-{index}{extension}"


def _body_and_attachments(msg: Message) -> tuple[str, list[ParsedAttachment]]:
    plain, html, attachments = [], [], []
    for index, part in enumerate(_leaf_parts(msg), start=1):
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        is_body = (
            content_type in ("text/plain", "text/html") and disposition != "attachment" and not part.get_filename()
        )
        if is_body:
            (plain if content_type == "text/plain" else html).append(_part_text(part))
        elif content_type == "message/rfc822" or content_type.startswith("message/"):
            data = part.get_payload(0).as_bytes() if content_type == "message/rfc822" else part.as_bytes()
            attachments.append(ParsedAttachment(f"message-{index}.eml", content_type, data, inline=False))
        else:
            attachments.append(
                ParsedAttachment(
                    filename=_attachment_name(part, index),
                    content_type=content_type,
                    data=part.get_payload(decode=True) or b"",
                    inline=disposition == "inline" or part.get("Content-ID") is not None,
                )
            )
    texts = [text.strip() for text in plain] or [html_to_text(sanitise_html(markup)) for markup in html]
    return "\n\n".join(text for text in texts if text), attachments


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse raw bytes; raise UnparseableEmail when there is no sender or the MIME structure is broken."""
    msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    from_name, from_address = parseaddr(_raw_header(msg, "From"))
    from_address = _repair(from_address).strip().lower()
    if "@" not in from_address:
        raise UnparseableEmail("no sender address (From)")
    _check_structure(msg)
    text, attachments = _body_and_attachments(msg)
    ids = message_ids(_raw_header(msg, "Message-ID"))
    reply_ids = message_ids(_raw_header(msg, "In-Reply-To")) + message_ids(_raw_header(msg, "References"))
    recipients = [
        address.lower()
        for _name, address in getaddresses(
            [
                _raw_header(msg, name)
                for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
                if _raw_header(msg, name)
            ]
        )
        if "@" in address
    ]
    subject = decode_header_value(_raw_header(msg, "Subject"))
    kind = loops.classify(msg, sender=from_address, subject=subject)
    return ParsedEmail(
        message_id=ids[0] if ids else "",
        from_address=from_address,
        from_name=decode_header_value(from_name),
        subject=subject,
        reply_ids=list(dict.fromkeys(reply_ids)),
        recipients=recipients,
        text=text,
        attachments=attachments,
        kind=kind,
        bounced_ids=loops.bounced_message_ids(msg) if kind == InboundKind.BOUNCE else [],
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
