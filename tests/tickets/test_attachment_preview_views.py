"""Inline views and thumbnails of attachments: the served type comes from the bytes, the headers keep it safe."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests import factories
from tests.tickets.previews import image_bytes
from tickets import services
from tickets.models import Attachment, PreviewState
from tickets.services import previews

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><script>fetch('/admin/')</script></html>"


def stored(ticket, name: str, content: bytes, content_type: str) -> Attachment:
    """An attachment as it sits in storage, whatever the upload checks would have said (old rows, other channels)."""
    message = services.ticket_customer_reply(ticket=ticket, body="file", via="portal")
    attachment = Attachment(
        message=message, filename=name, content_type=content_type, size=len(content), sha256="0" * 64
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def view(client, attachment):
    return client.get(reverse("tickets:attachment_view", args=[attachment.pk]))


@pytest.mark.parametrize(
    ("name", "content", "declared", "served"),
    [
        ("shot.png", factories.PNG_BYTES, "image/png", "image/png"),
        ("photo.jpg", image_bytes("JPEG"), "image/jpeg", "image/jpeg"),
        ("statement.pdf", factories.PDF_BYTES, "application/pdf", "application/pdf"),
    ],
)
def test_images_and_pdf_are_shown_inline_in_a_sandbox(client, customer, ticket, name, content, declared, served):
    attachment = stored(ticket, name, content, declared)
    client.force_login(customer.user)

    response = view(client, attachment)

    assert response.status_code == 200
    assert response["Content-Type"] == served
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert "script-src" not in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("logo.svg", SVG, "image/svg+xml"),
        ("proof.png", HTML, "image/png"),  # HTML disguised as a PNG
        ("page.html", HTML, "text/html"),
    ],
    ids=["svg", "html-as-png", "html"],
)
def test_svg_and_html_are_never_inline_whatever_they_claim(client, customer, ticket, name, content, declared):
    attachment = stored(ticket, name, content, declared)
    client.force_login(customer.user)

    for url in ("tickets:attachment_view", "tickets:attachment_download"):
        response = client.get(reverse(url, args=[attachment.pk]))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_text_file_stays_a_download_of_plain_text(client, customer, ticket):
    attachment = stored(ticket, "wallet.log", b"sync failed\n", "text/plain")
    client.force_login(customer.user)

    response = view(client, attachment)

    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="wallet.log"'


def ready_image(ticket) -> Attachment:
    attachment = stored(ticket, "shot.png", image_bytes("PNG", (640, 480)), "image/png")
    Attachment.objects.filter(pk=attachment.pk).update(preview_state=PreviewState.PENDING)
    previews.attachment_thumbnail_make(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    return attachment


def thumbnail(client, attachment):
    return client.get(reverse("tickets:attachment_thumbnail", args=[attachment.pk]))


def test_the_thumbnail_is_our_jpeg_with_safe_headers(client, agent, ticket):
    attachment = ready_image(ticket)
    client.force_login(agent)

    response = thumbnail(client, attachment)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert response["Cache-Control"] == "private, max-age=300"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_an_agent_who_cannot_see_the_ticket_cannot_see_the_thumbnail(client, other_agent, other_customer, ticket):
    attachment = ready_image(ticket)

    for user in (other_agent, other_customer.user):
        client.force_login(user)
        assert thumbnail(client, attachment).status_code == 404
        assert view(client, attachment).status_code == 404


def test_a_thumbnail_not_drawn_yet_is_404(client, customer, ticket):
    message = services.ticket_customer_reply(
        ticket=ticket, body="x", via="portal", attachments=[factories.png_upload()]
    )
    client.force_login(customer.user)

    assert thumbnail(client, message.attachments.get()).status_code == 404


def test_customers_never_get_thumbnails_of_internal_note_files(client, customer, ticket, agent):
    note = services.ticket_add_note(
        ticket=ticket, body="their screen", actor=agent, attachments=[factories.png_upload()]
    )
    attachment = note.attachments.get()
    assert previews.attachment_thumbnail_make(attachment_id=attachment.pk) == PreviewState.READY
    client.force_login(customer.user)

    assert thumbnail(client, attachment).status_code == 404


def test_the_portal_request_page_shows_the_customers_own_thumbnails(client, customer, ticket):
    attachment = ready_image(ticket)
    client.force_login(customer.user)

    page = client.get(reverse("portal:request_detail", args=[ticket.pk])).content.decode()

    assert reverse("tickets:attachment_thumbnail", args=[attachment.pk]) in page
    assert reverse("tickets:attachment_view", args=[attachment.pk]) in page
