"""An agent opens a ticket whose customer sent a screenshot: the thumbnail shows, a click opens it full size."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import DESKTOP
from tests.tickets.previews import image_bytes
from tickets import services
from tickets.models import PreviewState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-wallet-pass-42"


def test_the_agent_sees_the_thumbnail_and_opens_the_full_image(live_server, new_page, shot):
    team = factories.TeamFactory(name="Transfers")
    factories.agent(teams=[team], username="mei", first_name="Mei", password=PASSWORD)
    customer = factories.CustomerFactory(email="wei@example.com", name="Wei Zhang")
    ticket = factories.ticket(
        customer=customer,
        team=team,
        subject="USDT transfer stuck",
        attachments=[factories.png_upload("transfer.png", image_bytes("PNG", (900, 600), (40, 120, 220)))],
    )
    services.ticket_customer_reply(
        ticket=ticket,
        body="Here is the receipt and the error.",
        via="portal",
        attachments=[
            factories.png_upload("error.jpg", image_bytes("JPEG", (1200, 800), (230, 140, 30))),
            factories.upload("receipt.pdf", factories.PDF_BYTES),
        ],
    )
    # The jobs ran on commit (the queue is synchronous in tests).
    assert set(ticket.messages.values_list("attachments__preview_state", flat=True)) >= {PreviewState.READY}
    base = live_server.url
    page = new_page(viewport=DESKTOP)
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=login]", "mei")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    page.goto(f"{base}/admin/tickets/ticket/{ticket.pk}/change/")
    thumbnails = page.locator(".sd-thumb img")
    expect(thumbnails).to_have_count(2)
    for index in range(2):
        thumbnails.nth(index).scroll_into_view_if_needed()
        expect(thumbnails.nth(index)).to_have_js_property("complete", True)
        assert thumbnails.nth(index).evaluate("img => img.naturalWidth") == 320
    expect(page.locator(".sd-thumb-pdf")).to_have_text("Preview")
    page.locator(".sd-timeline-box").evaluate("box => box.scrollTop = -box.scrollHeight")
    shot(page, "ticket-thumbnails-light")
    page.emulate_media(color_scheme="dark")
    shot(page, "ticket-thumbnails-dark")
    page.emulate_media(color_scheme="light")

    with page.context.expect_page() as opened:
        thumbnails.first.click()
    full = opened.value
    full.wait_for_load_state()
    assert full.evaluate("document.images[0].naturalWidth") == 900
