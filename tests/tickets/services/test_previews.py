"""Thumbnail jobs (tickets.services.previews): queued when an image is stored, drawn by django-q2 (sync in tests)."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from tests import factories
from tests.tickets.previews import image_bytes, jpeg_with_exif, png_bomb
from tickets import services
from tickets.models import Attachment, PreviewState
from tickets.services import previews

pytestmark = pytest.mark.django_db


def reply_with(ticket, *uploads, capture):
    with capture(execute=True) as callbacks:
        message = services.ticket_customer_reply(ticket=ticket, body="see attached", via="portal", attachments=uploads)
    return message, callbacks


def test_a_stored_image_gets_its_thumbnail_from_the_job_after_the_commit(ticket, django_capture_on_commit_callbacks):
    upload = factories.png_upload("wallet.jpg", jpeg_with_exif((600, 300)))
    message, _callbacks = reply_with(ticket, upload, capture=django_capture_on_commit_callbacks)

    attachment = message.attachments.get()
    assert attachment.preview_state == PreviewState.READY
    assert attachment.preview_attempts == 1
    # Read back through the storage API, as the view does: an upright JPEG within the configured box.
    with attachment.file.storage.open(attachment.thumbnail_name, "rb") as stored:
        thumbnail = Image.open(io.BytesIO(stored.read()))
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (160, 320)


def test_other_files_get_no_preview_and_no_job(ticket, django_capture_on_commit_callbacks):
    message, callbacks = reply_with(
        ticket,
        factories.text_upload(),
        factories.upload("statement.pdf", factories.PDF_BYTES),
        capture=django_capture_on_commit_callbacks,
    )

    assert set(message.attachments.values_list("preview_state", flat=True)) == {PreviewState.NONE}
    assert not any("thumbnail" in str(getattr(callback, "args", "")) for callback in callbacks)


def test_until_the_job_runs_the_image_is_preview_pending(ticket):
    message = services.ticket_customer_reply(
        ticket=ticket, body="x", via="portal", attachments=[factories.png_upload()]
    )

    assert message.attachments.get().preview_state == PreviewState.PENDING


def pending_attachment(ticket, content: bytes, name="shot.png") -> Attachment:
    message = services.ticket_customer_reply(ticket=ticket, body="x", via="portal")
    attachment = Attachment(
        message=message,
        filename=name,
        content_type="image/png",
        size=len(content),
        sha256="0" * 64,
        preview_state=PreviewState.PENDING,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def test_a_decompression_bomb_is_recorded_as_failed_and_nothing_is_stored(ticket):
    attachment = pending_attachment(ticket, png_bomb(50_000, 50_000))

    assert previews.attachment_thumbnail_make(attachment_id=attachment.pk) == PreviewState.FAILED

    attachment.refresh_from_db()
    assert attachment.preview_state == PreviewState.FAILED
    assert attachment.thumbnail_name == ""
    assert "DecompressionBomb" in attachment.preview_error or "too large" in attachment.preview_error


def test_a_failed_preview_is_not_tried_again(ticket):
    attachment = pending_attachment(ticket, b"\x89PNG\r\n\x1a\n garbage")
    previews.attachment_thumbnail_make(attachment_id=attachment.pk)

    assert previews.attachment_thumbnail_make(attachment_id=attachment.pk) == PreviewState.FAILED

    attachment.refresh_from_db()
    assert attachment.preview_attempts == 1
    assert attachment.preview_error.startswith("unreadable image")


def test_a_job_that_keeps_dying_gives_up_after_the_configured_attempts(ticket, settings):
    settings.ATTACHMENT_PREVIEW_MAX_ATTEMPTS = 2
    attachment = pending_attachment(ticket, image_bytes())
    # Two earlier runs were counted and then killed before they could record anything.
    Attachment.objects.filter(pk=attachment.pk).update(preview_attempts=2)

    assert previews.attachment_thumbnail_make(attachment_id=attachment.pk) == PreviewState.FAILED

    attachment.refresh_from_db()
    assert attachment.preview_error == "gave up after 2 attempts"
    assert attachment.thumbnail_name == ""


def test_a_second_run_of_a_finished_job_changes_nothing(ticket):
    attachment = pending_attachment(ticket, image_bytes())
    previews.attachment_thumbnail_make(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    first = attachment.thumbnail_name

    assert previews.attachment_thumbnail_make(attachment_id=attachment.pk) == PreviewState.READY

    attachment.refresh_from_db()
    assert (attachment.thumbnail_name, attachment.preview_attempts) == (first, 1)


def test_a_deleted_attachment_is_a_no_op():
    assert previews.attachment_thumbnail_make(attachment_id=987654) == ""
