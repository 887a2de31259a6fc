"""An agent's day in the admin: from a ticket to the customer's 360 page, then saving a filtered list as a view."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import DESKTOP
from tickets.models import SavedView, WalletAddress

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-wallet-pass-42"


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=login]", "mei")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def test_customer_360_and_saved_views(live_server, new_page, shot):
    team = factories.TeamFactory(name="Transfers")
    mei = factories.agent(teams=[team], username="mei", first_name="Mei", password=PASSWORD)
    customer = factories.CustomerFactory(email="wei@example.com", name="Wei Zhang", language="zh-hans", phone="+86 138")
    WalletAddress.objects.create(customer=customer, chain="tron", address="TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE")
    for n in range(3):
        ticket = factories.ticket(customer=customer, team=team, subject=f"USDT transfer {n} pending")
    factories.SurveyResponseFactory(
        invitation__ticket=ticket, invitation__agent=mei, overall=4, comment="Quick and kind."
    )
    base = live_server.url
    page = new_page(viewport=DESKTOP)
    _sign_in(page, base)

    page.goto(f"{base}/admin/tickets/ticket/{ticket.pk}/change/")
    page.click("[data-customer-360]")
    expect(page.locator("h1")).to_contain_text("Customer 360: Wei Zhang")
    expect(page.locator("[data-timeline]")).to_contain_text("Quick and kind.")
    expect(page.locator("[data-timeline] tbody tr")).to_have_count(4)
    shot(page, "customer-360-light")
    page.emulate_media(color_scheme="dark")
    shot(page, "customer-360-dark")
    page.emulate_media(color_scheme="light")

    page.goto(f"{base}/admin/tickets/ticket/?queue=open&team__id__exact={team.pk}")
    page.click(".sd-save-view summary")
    page.fill("[data-save-view] input[name=name]", "Open transfers")
    page.click("[data-save-view] button")
    expect(page.locator("[data-view^=view-]")).to_contain_text("Open transfers")
    expect(page.locator("[data-view^=view-] td.sd-num")).to_have_text("3")
    assert SavedView.objects.get().query == f"queue=open&team__id__exact={team.pk}"
    shot(page, "my-work-light")
    page.emulate_media(color_scheme="dark")
    shot(page, "my-work-dark")
