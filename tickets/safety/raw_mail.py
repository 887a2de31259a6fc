"""The raw source kept of an inbound mail holds no wallet secret either.

A mail whose parsed subject, text or text attachments carry a recovery phrase or
private key keeps only its headers (who, when, threading — what a supervisor needs
to trace it), with the subject replaced if the secret was there, and a note where
the body was. The ticket already has the redacted text.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from tickets.email.parsing import ParsedEmail, decode_bytes
from tickets.safety.detect import find_secrets

_TEXT_TYPES = ("text/", "application/json")
_CONTENT_HEADERS = ("Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version")


def _certain_kinds(text: str) -> set[str]:
    return {finding.kind for finding in find_secrets(text) if finding.is_certain}


def secret_kinds(parsed: ParsedEmail) -> tuple[list[str], bool]:
    """Kinds of secret in the parsed mail, and whether the subject holds one."""
    in_subject = _certain_kinds(parsed.subject)
    kinds = in_subject | _certain_kinds(parsed.text)
    for attachment in parsed.attachments:
        if attachment.content_type.startswith(_TEXT_TYPES):
            kinds |= _certain_kinds(decode_bytes(attachment.data))
    return sorted(kinds), bool(in_subject)


def headers_only(raw: bytes, *, note: str, drop_subject: bool) -> bytes:
    """`raw` with its body (every part) replaced by `note`; the Subject too when it held the secret."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    for name in _CONTENT_HEADERS:
        del message[name]
    if drop_subject:
        del message["Subject"]
        message["Subject"] = "[removed]"
    message.set_payload(None)
    message.set_content(note)
    return message.as_bytes()
