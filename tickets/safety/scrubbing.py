"""The intake scrubber: every message, subject, attachment name and text attachment a desk
channel receives passes through one before anything is stored, queued or logged.

Certain findings are replaced by placeholders; the scrubber remembers the kinds and
places it found (never the text) so the intake services can flag, escalate and warn
(tickets.safety.services.intake). Pure: no database access.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from supportdesk.kit.text import html_to_text
from tickets.email.parsing import decode_bytes
from tickets.safety.detect import SecretFinding, find_secrets, redact_findings

_TEXT_ATTACHMENT_TYPES = {"text/plain", "text/csv", "application/json"}


def kind_labels(kinds) -> str:
    labels = {
        "mnemonic": _("recovery phrase"),
        "private_key": _("private key"),
        "wif": _("private key (WIF)"),
        "xprv": _("extended private key"),
        "keystore": _("keystore file"),
    }
    return ", ".join(dict.fromkeys(labels[kind] for kind in kinds))


@dataclass
class Scrubber:
    """Redacts everything one message brings in and remembers what it found (kinds and places, no text)."""

    from_customer: bool
    findings: list[tuple[str, SecretFinding]] = field(default_factory=list)

    def text(self, value: str, where: str = "body") -> str:
        found = find_secrets(value)
        self.findings += [(where, finding) for finding in found]
        return redact_findings(value, found)

    def html(self, markup: str) -> str:
        """Redact sanitised HTML; if a phrase is split by markup (a list of words), drop the HTML
        and let the redacted plain-text body be shown instead."""
        if not markup:
            return ""
        found = find_secrets(html_to_text(markup))
        if not any(finding.is_certain for finding in found):
            return markup
        redacted = self.text(markup, "body")
        split_by_markup = [finding for finding in find_secrets(html_to_text(redacted)) if finding.is_certain]
        if split_by_markup:
            self.findings += [("body", finding) for finding in split_by_markup]  # so the intake still flags it
            return ""
        return redacted

    def upload(self, upload: UploadedFile, content_type: str) -> UploadedFile:
        """A text attachment with secrets is replaced by its redacted copy (same name, new size)."""
        if content_type not in _TEXT_ATTACHMENT_TYPES:
            return upload
        upload.seek(0)
        # Whatever charset the customer's file is in (GBK, Big5, UTF-16 …): a secret must not hide in it.
        content = decode_bytes(upload.read())
        upload.seek(0)
        found = find_secrets(content)
        self.findings += [("attachment", finding) for finding in found]
        if not any(finding.is_certain for finding in found):
            return upload
        return ContentFile(redact_findings(content, found).encode("utf-8"), name=upload.name)

    @property
    def certain(self) -> list[SecretFinding]:
        return [finding for _where, finding in self.findings if finding.is_certain]

    @property
    def suspected(self) -> list[SecretFinding]:
        return [finding for _where, finding in self.findings if not finding.is_certain]

    def places(self, certain: bool) -> str:
        return ", ".join(dict.fromkeys(where for where, finding in self.findings if finding.is_certain == certain))
