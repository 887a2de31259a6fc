"""Every portal page in every customer language, in real Chromium: no visible English-only string.

Each page is rendered in English and in the language; a line of visible text (or a placeholder, a button's
value) that comes out the same in both, and still has an English word once brand names, references, e-mail
addresses and the test's own data are taken out, is English the customer would meet. Drop-down lists are
left out: their options are names (each language in its own, time zones, networks) or the customer's data.
Phone-size screenshots of every page in every language go to tests/e2e/artifacts/portal_languages/<language>/.

Visitors get their language from the browser (Accept-Language); the signed-in customer from their account.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests import factories
from tests.e2e.conftest import ARTIFACTS
from tests.language_checks import english_leftovers
from tickets import services
from tickets.models import Category, Channel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = ARTIFACTS / "portal_languages"
LANGUAGES = ["es", "fr", "id", "vi", "zh-hant", "zh-hans"]
BROWSER_LOCALES = {"es": "es-ES", "fr": "fr-FR", "id": "id-ID", "vi": "vi-VN", "zh-hant": "zh-TW", "zh-hans": "zh-CN"}
PASSWORD = "a-long-wallet-pass-42"
EMAIL = "linh@example.com"
SUBJECT = "USDT 0x9f2c"

PUBLIC_PAGES = [
    ("home", "/portal/"),
    ("help-centre", "/portal/help/"),
    ("help-search", "/portal/help/search/?q=zzzz"),
    ("bot", "/portal/help/bot/"),
    ("contact", "/portal/contact/"),
    ("verify-contact", "/portal/verify/"),
    ("sign-in", "/accounts/login/"),
    ("sign-up", "/accounts/signup/"),
    ("password-reset", "/accounts/password/reset/"),
]
CUSTOMER_PAGES = [
    ("requests", "portal:request_list", ()),
    ("new-request-topic", "portal:request_new", ()),
    ("request", "portal:request_detail", ("ticket",)),
    ("profile", "portal:profile", ()),
    ("link-account", "portal:link_account", ()),
    ("complaints", "complaints:list", ()),
    ("new-complaint", "complaints:new", ()),
    ("surveys", "feedback:my_surveys", ()),
    ("suggestion", "feedback:suggestion_new", ()),
    ("change-password", "account_change_password", ()),
    ("two-factor", "mfa_index", ()),
]

VISIBLE_TEXT = """() => {
  for (const select of document.querySelectorAll('select')) select.style.display = 'none';
  const texts = document.body.innerText.split('\\n');
  for (const field of document.querySelectorAll('[placeholder]')) texts.push(field.placeholder);
  for (const button of document.querySelectorAll('input[type=submit], input[type=button]')) texts.push(button.value);
  return texts.map(text => text.trim()).filter(Boolean);
}"""


@pytest.fixture
def customer_with_request(db):
    user = factories.UserFactory(username=EMAIL, email=EMAIL, password=PASSWORD, first_name="Linh")
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    customer = services.customer_link_user(user=user, email=EMAIL)
    team = factories.TeamFactory(name="Transfers")
    agent = factories.agent(teams=[team], username="agent_mai")
    ticket = services.ticket_create(
        customer=customer, subject=SUBJECT, body="0x9f2c", channel=Channel.PORTAL, actor=user, team=team,
        category=Category.objects.get(slug="transaction"),
    )  # fmt: skip
    services.ticket_reply(ticket=ticket, body="0x9f2c?", actor=agent)
    return customer, ticket


def _visible(page, url: str, screenshot: Path | None = None) -> list[str]:
    page.goto(url, wait_until="domcontentloaded")
    if screenshot is not None:
        # The phone-sized viewport, not the full page: 140 screenshots must stay fast.
        page.screenshot(path=screenshot)
    return page.evaluate(VISIBLE_TEXT)


def _signed_in_page(new_page, base: str, customer, language: str):
    customer.language = language
    customer.save(update_fields=["language"])
    page = new_page(locale="en-US")
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/portal/"))
    return page


def test_every_portal_page_is_free_of_english_in_every_customer_language(live_server, new_page, customer_with_request):
    customer, ticket = customer_with_request
    base = live_server.url
    customer_urls = [
        (name, f"{base}{reverse(route, args=[ticket.pk] if args else [])}") for name, route, args in CUSTOMER_PAGES
    ]

    english_visitor = new_page(locale="en-US")
    english = {name: _visible(english_visitor, f"{base}{path}") for name, path in PUBLIC_PAGES}
    english_customer = _signed_in_page(new_page, base, customer, "en")
    english |= {name: _visible(english_customer, url) for name, url in customer_urls}

    leftovers = {}
    for language in LANGUAGES:
        (SCREENSHOTS / language).mkdir(parents=True, exist_ok=True)
        visitor = new_page(locale=BROWSER_LOCALES[language])
        signed_in = _signed_in_page(new_page, base, customer, language)
        pages = [(visitor, name, f"{base}{path}") for name, path in PUBLIC_PAGES]
        pages += [(signed_in, name, url) for name, url in customer_urls]
        for page, name, url in pages:
            translated = _visible(page, url, screenshot=SCREENSHOTS / language / f"{name}.png")
            assert page.evaluate("document.documentElement.lang") == language, (language, name)
            found = english_leftovers(english[name], translated, language)
            if found:
                leftovers[f"{language} {name}"] = found

    assert leftovers == {}, "\n".join(f"{page}: {lines}" for page, lines in leftovers.items())
