"""An anonymous visitor asks the FAQ bot, asks for a person, confirms their email and gets a reference."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tickets.models import Channel, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_anonymous_visitor_hands_the_bot_conversation_to_a_person_by_email(live_server, new_page, shot, mailoutbox):
    factories.kb_article(
        author=factories.supervisor(username="editor"),
        slug="backup",
        translations={"en": ("How to back up your recovery phrase", "Write the recovery phrase on paper.")},
    )
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/portal/help/bot/")

    page.fill("#kb-question", "How do I back up my recovery phrase?")
    page.click("#kb-ask button[type=submit]")
    expect(page.locator(".kb-msg-bot").last).to_contain_text("This article should help")
    expect(page.locator("#kb-handoff input[name=email]")).to_be_hidden()
    shot(page, "answered")

    page.fill("#kb-question", "I want to talk to a human")
    page.click("#kb-ask button[type=submit]")
    expect(page.locator(".kb-msg-bot").last).to_contain_text("pass this conversation to a person")
    expect(page.locator("#kb-handoff input[name=email]")).to_be_visible()
    page.fill("#kb-handoff input[name=email]", "not an address")
    page.click("#kb-handoff button[type=submit]")
    expect(page.locator("#kb-handoff .field--error .error")).to_have_text("Enter a valid email address.")
    shot(page, "email-error")

    page.fill("#kb-handoff input[name=email]", "carol@example.com")
    page.fill("#kb-handoff input[name=name]", "Carol")
    page.click("#kb-handoff button[type=submit]")
    expect(page.locator("[data-handoff-pending]")).to_contain_text("Check your email")
    expect(page).to_have_url(f"{base}/portal/help/bot/")
    assert not Ticket.objects.exists()
    shot(page, "check-your-email")

    # The link is opened from the mail app: a separate browser profile.
    link = re.search(r"https?://\S+/portal/help/bot/handoff/confirm/\S+/", mailoutbox[-1].body).group(0)
    mail_page = new_page()
    mail_page.goto(link)
    expect(mail_page.locator("blockquote")).to_contain_text("How do I back up my recovery phrase?")
    shot(mail_page, "confirm")
    mail_page.click("main button[type=submit]")

    ticket = Ticket.objects.get()
    expect(mail_page.locator("[data-reference]")).to_have_text(f"Your reference is {ticket.reference}.")
    expect(mail_page.locator("[data-reply-promise]")).to_contain_text("reply")
    shot(mail_page, "confirmed")
    assert (ticket.channel, ticket.customer.email) == (Channel.BOT, "carol@example.com")
    assert "Customer: I want to talk to a human" in ticket.messages.get().body

    page.reload()
    expect(page.locator("#kb-handoff")).to_contain_text(f"Handed over to our team as {ticket.reference}.")
