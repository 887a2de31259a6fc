"""Browser check of /portal/verify/: a look-alike is flagged and reported, on a phone and a desktop."""

import pytest
from django.core.cache import cache

from tests.e2e.conftest import DESKTOP, PHONE
from tickets.models import ImpersonatorReport, OfficialContact, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_lookalike_is_flagged_and_reported(live_server, new_page, shot, viewport):
    cache.clear()
    OfficialContact.objects.create(kind="website", value="supportdesk.example", label="Official website")
    page = new_page(viewport=viewport)

    page.goto(f"{live_server.url}/portal/verify/")
    page.fill("input[name=contact]", "supp0rtdesk.example")
    page.click("main button[type=submit]")
    shot(page, "verify-lookalike")

    assert page.locator(".sd-lookalike h2").inner_text().startswith("✗ Warning: this is NOT us")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.fill("input[name=email]", "victim@example.com")
    page.select_option("select[name=where_seen]", "telegram")
    page.click("button.sd-danger")
    assert "security team has received your report" in page.locator(".messages").inner_text()
    assert ImpersonatorReport.objects.get().contact == "supp0rtdesk.example"
    assert not Ticket.objects.exists(), (
        "a report goes to the security queue, never a ticket in the typed address's name"
    )
