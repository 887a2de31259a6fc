"""Upload checks for attachments: size, count and an allow-list of types; and the form field
that takes several files in one input (portal forms and the ticket admin).

The declared content type of an upload is never trusted: the type comes from
the extension's entry in ATTACHMENT_ALLOWED_TYPES, and files whose first bytes
contradict it (an .exe renamed .png) are rejected.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Leading bytes every file of the type starts with.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
    "application/zip": (b"PK\x03\x04", b"PK\x05\x06"),
}
_TEXT_TYPES = {"text/plain", "text/csv", "application/json"}

ERROR_TOO_LARGE = "attachment_too_large"
ERROR_TOO_MANY = "too_many_attachments"
ERROR_FORBIDDEN_TYPE = "attachment_type_forbidden"
ERROR_CONTENT_MISMATCH = "attachment_content_mismatch"
ERROR_EMPTY = "attachment_empty"


def safe_filename(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")).strip().replace("\x00", "")
    return base[:255] or "attachment"


def content_type_for(filename: str) -> str | None:
    extension = os.path.splitext(filename)[1].lower()
    return settings.ATTACHMENT_ALLOWED_TYPES.get(extension)


def validate_uploads(files: Sequence[UploadedFile]) -> None:
    """Raise ValidationError (with a code) if any upload breaks the limits."""
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            _("At most %(count)d files can be attached.") % {"count": settings.ATTACHMENT_MAX_FILES},
            code=ERROR_TOO_MANY,
        )
    for upload in files:
        validate_upload(upload)


def validate_upload(upload: UploadedFile) -> str:
    """Check one upload; return the content type it will be served with."""
    name = safe_filename(upload.name or "")
    content_type = content_type_for(name)
    if content_type is None:
        allowed = ", ".join(sorted(settings.ATTACHMENT_ALLOWED_TYPES))
        raise ValidationError(
            _("%(name)s: this type of file is not accepted. Allowed: %(allowed)s.")
            % {"name": name, "allowed": allowed},
            code=ERROR_FORBIDDEN_TYPE,
        )
    if not upload.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code=ERROR_EMPTY)
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(too_large_message(name, upload.size), code=ERROR_TOO_LARGE)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _content_matches(content_type, head):
        raise ValidationError(
            _("%(name)s does not contain what its extension says.") % {"name": name},
            code=ERROR_CONTENT_MISMATCH,
        )
    return content_type


class UploadRefused(Exception):
    """A file that cannot become an upload; its text is the line shown to the customer."""


def screen_uploads(
    candidates: Iterable[tuple[str, Callable[[], UploadedFile]]],
) -> tuple[list[UploadedFile], list[str]]:
    """Uploads that pass the count limit and the upload checks, and one line per file refused.

    Each candidate is (safe name, fetch): `fetch` builds the upload and is only called while the count limit
    still allows one more, so a channel never downloads a file it would refuse; it may raise UploadRefused.
    """
    accepted: list[UploadedFile] = []
    refused: list[str] = []
    for name, fetch in candidates:
        if len(accepted) >= settings.ATTACHMENT_MAX_FILES:
            refused.append(_("%(name)s: too many attachments.") % {"name": name})
            continue
        try:
            upload = fetch()
            validate_upload(upload)
        except UploadRefused as refusal:
            refused.append(str(refusal))
            continue
        except ValidationError as error:
            refused.append(" ".join(error.messages))
            continue
        accepted.append(upload)
    return accepted, refused


def too_large_message(name: str, size: int) -> str:
    return _("%(name)s is %(size)s; the limit is %(limit)s.") % {
        "name": name,
        "size": filesizeformat(size),
        "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }


def _content_matches(content_type: str, head: bytes) -> bool:
    signatures = _SIGNATURES.get(content_type)
    if signatures is not None:
        return head.startswith(signatures)
    if content_type in _TEXT_TYPES:
        return b"\x00" not in head
    return True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; returns a list (empty when none were chosen)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]
