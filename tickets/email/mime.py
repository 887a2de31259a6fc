"""The readable content of a mail (text and attachments), however broken its MIME structure.

A human reading a mail with a broken multipart (boundary declared but never used,
the first boundary line missing, no boundary parameter at all) still sees the text;
so do we: such a part is cut again at the boundary lines its body really uses, or
read as plain text when it has none. The caller keeps the raw source for agents
whenever the structure had to be recovered. Only a structure beyond any real mail
(a "MIME bomb" of thousands of parts or deep nesting) is refused.
"""

from __future__ import annotations

import mimetypes
import re
from collections import Counter
from dataclasses import dataclass, field
from email import errors, policy
from email.message import Message
from email.parser import BytesParser

from supportdesk.kit.text import html_to_text
from tickets.email.charsets import CONTROL_CHARACTERS, decode_bytes, decode_header_value, repair_header

MAX_PARTS = 1000
MAX_DEPTH = 30

QUARANTINE_NO_SENDER = "no_sender"
QUARANTINE_TOO_COMPLEX = "too_complex"
QUARANTINE_SPOOFED = "spoofed"

_BROKEN_MULTIPART = (
    errors.StartBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
    errors.NoBoundaryInMultipartDefect,
)
# A boundary line: "--" and RFC 2046 bchars, optionally closed with "--".
_BOUNDARY_LINE = re.compile(rb"^--([0-9A-Za-z'()+_,\-./:=?]{1,70}?)(?:--)?[ \t]*\r?$", re.MULTILINE)
_HEADER_START = re.compile(rb"^\s*Content-[A-Za-z-]+[ \t]*:", re.IGNORECASE)


class UnparseableEmail(ValueError):
    """The bytes are not a mail we can turn into a message; `reason` is one of the QUARANTINE_* codes."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool


@dataclass
class Content:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    recovered: bool = False
    parts: int = 0

    @property
    def text(self) -> str:
        # Plain text is preferred, unless it is empty (some mailers send a blank plain part beside the HTML).
        texts = [text.strip() for text in self.plain if text.strip()] or [html_to_text(markup) for markup in self.html]
        return CONTROL_CHARACTERS.sub("", "\n\n".join(text for text in texts if text))


def _parse(data: bytes) -> Message:
    return BytesParser(policy=policy.default).parsebytes(data)


_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _body_bytes(part: Message, raw: bytes) -> bytes:
    """The body as received: from the raw bytes for the whole mail (the parser replaced 8-bit bytes of a
    broken multipart with U+FFFD), else from the payload."""
    if raw:
        end = _HEADER_END.search(raw)
        return raw[end.end() :] if end else b""
    payload = part.get_payload()
    if isinstance(payload, bytes):
        return payload
    return str(payload or "").encode("utf-8", "surrogateescape")


def _recut(part: Message, raw: bytes) -> list[Message]:
    """The parts of a multipart whose declared boundary does not work, cut at the boundary lines its body uses;
    failing that, the body as one plain-text part."""
    body = _body_bytes(part, raw)
    for boundary, _uses in Counter(_BOUNDARY_LINE.findall(body)).most_common(3):
        rebuilt = _parse(b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n' + body)
        payload = rebuilt.get_payload()
        if isinstance(payload, list) and payload:
            return [*_preamble_part(rebuilt), *payload]
    return [_parse(b"Content-Type: text/plain\r\n\r\n" + body)]


def _preamble_part(multipart: Message) -> list[Message]:
    """A first part written before the first boundary line (the start boundary is missing)."""
    preamble = (multipart.preamble or "").encode("utf-8", "surrogateescape")
    return [_parse(preamble.lstrip())] if _HEADER_START.match(preamble) else []


def _is_broken(part: Message) -> bool:
    return any(isinstance(defect, _BROKEN_MULTIPART) for defect in part.defects) or not isinstance(
        part.get_payload(), list
    )


def _attachment_name(part: Message, index: int) -> str:
    name = part.get_filename()
    if name:
        return decode_header_value(name) if "=?" in name else repair_header(name)
    extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"inline-{index}{extension}"


def _add_leaf(content: Content, part: Message) -> None:
    index = len(content.plain) + len(content.html) + len(content.attachments) + 1
    content_type = part.get_content_type()
    disposition = part.get_content_disposition()
    if content_type in ("text/plain", "text/html") and disposition != "attachment" and not part.get_filename():
        text = decode_bytes(part.get_payload(decode=True) or b"", part.get_content_charset())
        (content.plain if content_type == "text/plain" else content.html).append(text)
    elif content_type.startswith("message/"):
        attached = part.get_payload(0) if content_type == "message/rfc822" and part.is_multipart() else None
        data = attached.as_bytes() if attached is not None else part.as_bytes()
        content.attachments.append(ParsedAttachment(f"message-{index}.eml", content_type, data, inline=False))
    else:
        content.attachments.append(
            ParsedAttachment(
                filename=_attachment_name(part, index),
                content_type=content_type,
                data=part.get_payload(decode=True) or b"",
                inline=disposition == "inline" or part.get("Content-ID") is not None,
            )
        )


def _walk(content: Content, part: Message, depth: int, *, limit: bool, raw: bytes = b"") -> None:
    content.parts += 1
    if limit and (content.parts > MAX_PARTS or depth > MAX_DEPTH):
        raise UnparseableEmail(
            f"more than {MAX_PARTS} MIME parts or {MAX_DEPTH} levels of nesting", reason=QUARANTINE_TOO_COMPLEX
        )
    if part.get_content_maintype() != "multipart":
        _add_leaf(content, part)
        return
    if _is_broken(part):
        content.recovered = True
        children = _recut(part, raw if depth == 0 else b"")
    else:
        children = [*_preamble_part(part), *part.get_payload()]
        content.recovered = content.recovered or len(children) > len(part.get_payload())
    for child in children:
        _walk(content, child, depth + 1, limit=limit)


def read_content(msg: Message, *, raw: bytes = b"", limit: bool = True) -> Content:
    """Text parts and attachments of `msg` (parsed from `raw`), without descending into attached messages."""
    content = Content()
    _walk(content, msg, 0, limit=limit, raw=raw)
    return content
