"""Thumbnails in the ticket page's conversation: shown without extra queries, whatever their number."""

import pytest
from django.urls import reverse

from tests import factories
from tests.admin_queries import measured_get
from tests.tickets.previews import image_bytes
from tickets import services
from tickets.models import Attachment, PreviewState
from tickets.services import previews

pytestmark = pytest.mark.django_db


def reply_with_images(ticket, count: int, *, draw: bool) -> list[Attachment]:
    attachments = []
    for n in range(count):
        message = services.ticket_customer_reply(
            ticket=ticket,
            body=f"screenshot {n}",
            via="portal",
            attachments=[factories.png_upload(f"shot-{n}.png", image_bytes("PNG", (120, 80)))],
        )
        attachments += list(message.attachments.all())
    if draw:
        for attachment in attachments:
            previews.attachment_thumbnail_make(attachment_id=attachment.pk)
    return attachments


def page(ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk]) + "?timeline=all"


@pytest.mark.parametrize("count", [1, 20])
def test_thumbnails_cost_no_query_whatever_their_number(client, agent, ticket, django_assert_num_queries, count):
    attachments = reply_with_images(ticket, count, draw=True)
    client.force_login(agent)

    # The same budget as the ticket page pin in test_tickets.py (agent: 10).
    html = measured_get(client, django_assert_num_queries, page(ticket), 10).content.decode()

    assert html.count('class="sd-thumb"') == count
    for attachment in attachments:
        assert reverse("tickets:attachment_thumbnail", args=[attachment.pk]) in html
        assert reverse("tickets:attachment_view", args=[attachment.pk]) in html


def test_pending_failed_and_pdf_attachments_say_so(client, agent, ticket):
    _pending, failed = reply_with_images(ticket, 2, draw=False)
    Attachment.objects.filter(pk=failed.pk).update(preview_state=PreviewState.FAILED, preview_error="unreadable")
    pdf = services.ticket_customer_reply(
        ticket=ticket, body="statement", via="portal", attachments=[factories.upload("bank.pdf", factories.PDF_BYTES)]
    ).attachments.get()
    client.force_login(agent)

    html = client.get(page(ticket)).content.decode()

    assert html.count("preview pending") == 1
    assert 'title="unreadable">no preview</span>' in html
    assert f'<a class="sd-thumb-pdf" href="{reverse("tickets:attachment_view", args=[pdf.pk])}"' in html
    assert 'class="sd-thumb"' not in html
