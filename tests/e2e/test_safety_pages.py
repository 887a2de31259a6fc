"""Browser check of /portal/verify/: a look-alike is flagged and reported, on a phone and a desktop."""

import shutil

import pytest
from django.core.cache import cache

from tickets.models import OfficialContact, Ticket

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety check does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}])
def test_lookalike_is_flagged_and_reported(live_server, transactional_db, browser, viewport, security_team, tmp_path):
    cache.clear()
    OfficialContact.objects.create(kind="website", value="supportdesk.example", label="Official website")
    page = browser.new_page(viewport=viewport)

    page.goto(f"{live_server.url}/portal/verify/")
    page.fill("input[name=contact]", "supp0rtdesk.example")
    page.click("button[type=submit]")
    page.screenshot(path=tmp_path / "verify.png", full_page=True)

    assert page.locator(".sd-lookalike h2").inner_text().startswith("✗ Warning: this is NOT us")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.fill("input[name=email]", "victim@example.com")
    page.select_option("select[name=where_seen]", "telegram")
    page.click("button.sd-danger")
    assert "security team has received your report" in page.locator(".messages").inner_text()
    assert Ticket.objects.get().team == security_team
