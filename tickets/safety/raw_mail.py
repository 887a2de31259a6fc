"""The raw source kept of an inbound mail holds no wallet secret either.

A mail whose headers or any part (plain text, HTML, text attachments) carry a
recovery phrase or private key keeps only its headers (who, when, threading — what
a supervisor needs to trace it), with every header that held the secret replaced,
and a note where the body was. The scan does not rely on the mail parsing cleanly:
every part the standard library can split out is decoded, and the raw bytes are
scanned as text too, so a mail that ends in quarantine is covered as well.
"""

from __future__ import annotations

import email
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser

from supportdesk.kit.text import html_to_text
from tickets.safety.detect import find_secrets

REMOVED = "[removed]"
_CONTENT_HEADERS = ("Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version")


def _certain_kinds(text: str) -> set[str]:
    return {finding.kind for finding in find_secrets(text) if finding.is_certain}


def _header_text(value) -> str:
    try:
        return str(make_header(decode_header(str(value))))
    except (ValueError, LookupError, UnicodeError):
        return str(value)


def _part_texts(raw: bytes) -> list[str]:
    """Every leaf part decoded (transfer encoding and charset, best effort), HTML also as text."""
    texts = []
    for part in email.message_from_bytes(raw).walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, errors="replace")
        except LookupError:
            text = payload.decode("utf-8", errors="replace")
        texts.append(text)
        if part.get_content_type() == "text/html":
            texts.append(html_to_text(text))
    return texts


def raw_secret_kinds(raw: bytes) -> tuple[list[str], set[str]]:
    """Kinds of secret anywhere in the raw mail, and the names of the headers that hold one."""
    headers = email.message_from_bytes(raw)
    in_headers = {name for name, value in headers.items() if _certain_kinds(_header_text(value))}
    kinds = set().union(*(_certain_kinds(_header_text(headers[name])) for name in in_headers))
    for text in [*_part_texts(raw), raw.decode("utf-8", errors="replace")]:
        kinds |= _certain_kinds(text)
    return sorted(kinds), in_headers


def headers_only(raw: bytes, *, note: str, drop_headers: set[str]) -> bytes:
    """`raw` with its body (every part) replaced by `note`, and each header of `drop_headers` by a marker."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    for name in _CONTENT_HEADERS:
        del message[name]
    for name in drop_headers:
        del message[name]
        message[name] = REMOVED
    message.set_payload(None)
    message.set_content(note)
    return message.as_bytes()
