"""Secrets out of the logs: a filter on every root handler that rewrites each record's message.

Removed before anything is written: one-time verification codes, staff and app credentials
(`sdt_…`, `sdapp_…`, bearer tokens, JWTs), Django-signed values (survey, confirmation and
hand-off links), capability segments of link paths and credential-like query parameters, and
whatever the wallet secret detector (tickets.safety.detect) finds — certain or suspected.
The record's message is formatted once, redacted, and stored without its arguments, so every
handler and formatter after it sees only the redacted text.
"""

from __future__ import annotations

import logging
import re

from tickets.safety.detect import find_secrets, placeholder

REDACTED = "[redacted]"
CODE_REDACTED = "[code redacted]"

# Shorter texts cannot hold a recovery phrase or a key: the detector is skipped for them.
MIN_DETECTOR_LENGTH = 40

_PATTERNS = (
    # Staff tokens and app keys (supportdesk.services), bearer headers, JWTs.
    re.compile(r"\bsd(?:t|app)_[0-9a-f]{8}_[\w-]+"),
    re.compile(r"(?i)\b(bearer|token)\s+[\w\-.=]{16,}"),
    re.compile(r"\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*"),
    # django.core.signing values: payload:timestamp:signature or payload:signature (43-char HMAC).
    re.compile(r"[\w\-.=]+(?::[0-9A-Za-z]{4,})?:[\w-]{40,}"),
    # The capability part of link paths (surveys, confirmations, hand-offs, allauth keys, password resets).
    re.compile(r"(?<=/)(?:survey|surveys|confirm|confirm-email|key)/[^/\s?#\"']+"),
    # Credential-like query parameters.
    re.compile(r"(?i)(?<=[?&])(?:token|key|code|signature|sig|secret|password)=[^&\s#\"']+"),
)
# A one-time code: 4–8 digits standing alone shortly after a word that announces a code.
_CODE = re.compile(
    r"(?i)((?:code|otp|passcode|pin|验证码|驗證碼|認証コード)[^\n]{0,40}?)(?<![\w-])\d{4,8}(?![\w-])",
)


def _redact_pattern(match: re.Match) -> str:
    text = match.group(0)
    if text.startswith(("survey/", "surveys/", "confirm/", "confirm-email/", "key/")):
        return f"{text.split('/', 1)[0]}/{REDACTED}"
    if "=" in text and text.split("=", 1)[0].isalpha():
        return f"{text.split('=', 1)[0]}={REDACTED}"
    if match.re.groups:
        return f"{match.group(1)} {REDACTED}"
    return REDACTED


def redact(text: str) -> str:
    """`text` with every credential, code, signed value and wallet secret replaced by a placeholder."""
    if len(text) >= MIN_DETECTOR_LENGTH:
        findings = sorted(find_secrets(text), key=lambda finding: finding.start)
        pieces, position = [], 0
        for finding in findings:
            pieces += [text[position : finding.start], placeholder(finding.kind)]
            position = finding.end
        text = "".join([*pieces, text[position:]])
    for pattern in _PATTERNS:
        text = pattern.sub(_redact_pattern, text)
    return _CODE.sub(lambda match: f"{match.group(1)}{CODE_REDACTED}", text)


class RedactSecretsFilter(logging.Filter):
    """Installed on the root handlers (settings.LOGGING): rewrites, never drops, a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
