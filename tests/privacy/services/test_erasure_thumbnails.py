"""An erasure deletes attachment thumbnails too: they are copies of the customer's images."""

import pytest

from privacy.services import erasure
from tests import factories
from tests.tickets.previews import image_bytes
from tickets import services
from tickets.models import PreviewState
from tickets.services import previews

pytestmark = pytest.mark.django_db


def test_the_thumbnail_goes_with_the_attachment(person, supervisor):
    message = services.ticket_customer_reply(
        ticket=person.tickets[0],
        body="my screen",
        via="portal",
        attachments=[factories.png_upload("screen.png", image_bytes("PNG", (300, 200)))],
    )
    attachment = message.attachments.get()
    assert previews.attachment_thumbnail_make(attachment_id=attachment.pk) == PreviewState.READY
    attachment.refresh_from_db()
    storage = attachment.file.storage
    assert storage.exists(attachment.thumbnail_name)

    request = erasure.erasure_request(customer=person.customer, actor=supervisor, reason="Customer asked by email")
    request = erasure.erasure_confirm(request=request, typed_email=person.customer.email, actor=supervisor)
    erasure.erasure_run(request_id=request.pk)

    assert not storage.exists(attachment.thumbnail_name)
    assert not storage.exists(attachment.file.name)
