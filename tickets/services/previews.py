"""Attachment thumbnails: queued when an image is stored, drawn in a django-q2 job, failures recorded.

The thumbnail is written with the attachment file's own storage API (never a
file-system path), so it is kept wherever and however the attachment is: the
local media folder, an encrypting wrapper or S3.
"""

from __future__ import annotations

import uuid
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from tickets.models import Attachment, PreviewState
from tickets.previews import PreviewError, is_image_type, render_thumbnail

THUMBNAIL_TASK = "tickets.tasks.attachment_thumbnail"


def initial_preview_state(content_type: str) -> str:
    """Images get a thumbnail ("preview pending" until the job ran); every other file has no preview."""
    return PreviewState.PENDING if is_image_type(content_type) else PreviewState.NONE


def attachment_thumbnail_enqueue(attachment: Attachment) -> None:
    """Called by the service that stored the attachment, inside its transaction: the job runs after the commit."""
    if attachment.preview_state == PreviewState.PENDING:
        transaction.on_commit(partial(async_task, THUMBNAIL_TASK, attachment.pk), robust=True)


def attachment_thumbnail_make(*, attachment_id: int) -> str:
    """Draw and store the thumbnail of a pending attachment; returns the state it ends in.

    Idempotent: anything not pending is left alone. Every start is counted before
    the image is decoded, so a job that kills its worker (out of memory, timeout)
    and is retried by the queue gives up after ATTACHMENT_PREVIEW_MAX_ATTEMPTS.
    A file that is not a usable image fails at once; neither is retried.
    """
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().filter(pk=attachment_id).first()
        if attachment is None or attachment.preview_state != PreviewState.PENDING:
            return attachment.preview_state if attachment else ""
        attachment.preview_attempts += 1
        attachment.save(update_fields=["preview_attempts"])
        if attachment.preview_attempts > settings.ATTACHMENT_PREVIEW_MAX_ATTEMPTS:
            return _record_failure(attachment, f"gave up after {settings.ATTACHMENT_PREVIEW_MAX_ATTEMPTS} attempts")
    try:
        with attachment.file.open("rb") as stored:
            data = stored.read(settings.ATTACHMENT_MAX_BYTES + 1)
        if len(data) > settings.ATTACHMENT_MAX_BYTES:
            raise PreviewError("file larger than the attachment limit")
        thumbnail = render_thumbnail(
            data, size=settings.ATTACHMENT_THUMBNAIL_SIZE, max_pixels=settings.ATTACHMENT_PREVIEW_MAX_PIXELS
        )
    except PreviewError as error:
        return _record_failure(attachment, str(error))
    except OSError as error:
        return _record_failure(attachment, f"file unreadable ({error.__class__.__name__})")
    storage = attachment.file.storage
    name = storage.save(f"thumbnails/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg", ContentFile(thumbnail.content))
    with transaction.atomic():
        updated = Attachment.objects.filter(pk=attachment.pk, preview_state=PreviewState.PENDING).update(
            preview_state=PreviewState.READY, thumbnail_name=name, preview_error=""
        )
    if not updated:
        # Someone else finished first: this copy is nobody's.
        storage.delete(name)
        return Attachment.objects.filter(pk=attachment.pk).values_list("preview_state", flat=True).first() or ""
    return PreviewState.READY


def _record_failure(attachment: Attachment, reason: str) -> str:
    Attachment.objects.filter(pk=attachment.pk).update(preview_state=PreviewState.FAILED, preview_error=reason[:255])
    return PreviewState.FAILED
