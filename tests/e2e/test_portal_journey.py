"""A wallet user's journey through the portal in real Chromium, with a screenshot at each step."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import DESKTOP
from tickets import services
from tickets.models import Category, Channel, Status, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-wallet-pass-42"
TX_HASH = "7c2d8f0e9b1a4c3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5"


@pytest.fixture
def transaction_agent():
    """An agent whose team serves the transaction category, so portal requests land in their queue."""
    team = factories.TeamFactory(name="L2 Technical")
    team.categories.add(Category.objects.get(slug="transaction"))
    return factories.agent(teams=[team], username="tom", first_name="Tom")


def _sign_in(page, base_url, email, password=PASSWORD):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


def _customer_with_login(email):
    user = factories.UserFactory(username=email, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return services.customer_link_user(user=user, email=email)


def test_a_customer_signs_up_asks_for_help_gets_an_answer_and_marks_it_solved(
    live_server, new_page, shot, mailoutbox, transaction_agent, tmp_path
):
    base = live_server.url
    page = new_page()

    page.goto(f"{base}/")
    expect(page.locator("h1")).to_have_text("How can we help?")
    shot(page, "home")

    page.click("text=Create account")
    page.fill("input[name=email]", "wei@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    shot(page, "sign-up")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Verify Your Email Address")
    shot(page, "verification-sent")

    # The link is opened from the mail app: a separate browser profile.
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    page = new_page()
    page.goto(link)
    shot(page, "confirm-email")
    page.click("main button[type=submit]")

    _sign_in(page, base, "wei@example.com")
    expect(page).to_have_url(f"{base}/portal/")
    expect(page.locator(".tile").nth(1)).to_contain_text("0 open requests")
    shot(page, "signed-in")

    page.click(".tile--primary")
    shot(page, "choose-category")
    page.click("[data-category=transaction]")
    page.select_option("select[name=chain]", "tron")
    page.fill("input[name=asset]", "USDT")
    page.fill("input[name=amount]", "250")
    page.fill("input[name=tx_hash]", TX_HASH)
    page.fill("input[name=subject]", "USDT transfer pending for 3 hours")
    page.fill("textarea[name=body]", "I sent 250 USDT to my exchange and it still shows pending.")
    screenshot_file = tmp_path / "wallet-screen.png"
    screenshot_file.write_bytes(factories.PNG_BYTES)
    page.set_input_files("input[name=attachments]", screenshot_file)
    shot(page, "transaction-form")
    page.click("main button[type=submit]")

    ticket = Ticket.objects.get(customer__email="wei@example.com")
    expect(page.locator(".messages")).to_contain_text(f"Your request {ticket.reference} is in our queue.")
    expect(page.locator("[data-reply-promise]")).to_have_text(re.compile(r"^We will reply by .+\(Asia/Shanghai\)\.$"))
    expect(page.locator(".files")).to_contain_text("wallet-screen.png")
    expect(page.locator("[data-request-details]")).to_contain_text(TX_HASH)
    shot(page, "request-sent")

    page.click("nav >> text=My requests")
    expect(page.locator(".request-list")).to_contain_text(ticket.reference)
    shot(page, "my-requests")

    services.ticket_reply(
        ticket=ticket,
        body="We see the transfer on TRON; please confirm the receiving address.",
        actor=transaction_agent,
        new_status=Status.PENDING_CUSTOMER,
    )

    page.click(f"text={ticket.subject}")
    expect(page.locator(".bubble--agent")).to_contain_text("please confirm the receiving address")
    expect(page.locator("[data-status]")).to_have_text("Waiting for your reply")
    shot(page, "agent-replied")

    page.fill("textarea[name=body]", "The address is TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE.")
    page.click("text=Send reply")
    expect(page.locator(".bubble--customer").last).to_contain_text("TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE")
    shot(page, "customer-answered")

    page.click("text=My problem is solved")
    expect(page.locator("[data-status]")).to_have_text("Solved")
    shot(page, "solved")
    page.set_viewport_size(DESKTOP)
    shot(page, "solved-desktop")

    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.messages.filter(author_kind="customer").count() == 2


def test_customer_b_cannot_open_customer_a_request(live_server, new_page, shot):
    alice = _customer_with_login("alice@example.com")
    _customer_with_login("bob@example.com")
    alices = services.ticket_create(customer=alice, subject="Alice's private case", body="x", channel=Channel.PORTAL)
    page = new_page(viewport=DESKTOP)

    _sign_in(page, live_server.url, "bob@example.com")
    response = page.goto(f"{live_server.url}/portal/requests/{alices.pk}/")

    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Alice's private case")
    shot(page, "not-found")
    page.goto(f"{live_server.url}/portal/requests/")
    expect(page.locator("main")).to_contain_text("You have not sent us a request yet.")
    shot(page, "bob-empty-list")


def test_the_portal_switches_to_simplified_chinese(live_server, new_page, shot):
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")

    page.select_option("#language-switcher", "zh-hans")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("登录")
    shot(page, "sign-in-zh-hans")
