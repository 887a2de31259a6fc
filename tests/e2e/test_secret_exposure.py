"""The exposure playbook end to end: a customer pastes a recovery phrase into a portal request, sees the
warning, the security officer is emailed at once, and an agent works the checklist in the admin."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from mnemonic import Mnemonic
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import DESKTOP
from tickets import services
from tickets.models import Customer, EventKind, Ticket
from tickets.safety import find_secrets

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-wallet-pass-42"
PHRASE = Mnemonic("english").generate(128)
PHRASE_ZH = Mnemonic("chinese_simplified").generate(128)
# How Chinese speakers write it in a message: after a label, full-width commas, a full stop.
MESSAGE_ZH = f"你好，我的钱包资产不见了。助记词：{'，'.join(PHRASE_ZH.split())}。请帮我查一下。"


def _zh_detected() -> bool:
    return any(finding.is_certain for finding in find_secrets(MESSAGE_ZH))


@pytest.fixture
def desk():
    """A security team with an L3 agent, and a security officer who holds tickets.receive_security_alerts."""
    team = factories.TeamFactory(name="Security desk", handles_security=True, languages=["en", "zh-hans"])
    agent = factories.agent(teams=[team], username="sara", first_name="Sara", password=PASSWORD, tier="L3")
    role = Group.objects.create(name="Security officer (e2e)")
    role.permissions.add(Permission.objects.get(codename="receive_security_alerts"))
    officer = factories.agent(username="officer", email="officer@example.com")
    officer.groups.add(role)
    return agent


def _customer(email: str, language: str = "en") -> Customer:
    user = factories.UserFactory(username=email, email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    customer = services.customer_link_user(user=user, email=email)
    customer.language = language
    customer.save(update_fields=["language"])
    return customer


def _paste_into_a_request(page, base: str, email: str, subject: str, body: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{base}/portal/requests/new/?category=other")
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=body]", body)
    page.click("main button[type=submit]")


def _work_the_checklist(new_page, base: str, ticket: Ticket, shot) -> None:
    admin = new_page(viewport=DESKTOP)
    # The admin login hands over to allauth's sign-in page (staff MFA, supportdesk.admin_site).
    admin.goto(f"{base}/admin/login/")
    admin.fill("input[name=login]", "sara")
    admin.fill("input[name=password]", PASSWORD)
    admin.click("main button[type=submit]")
    admin.wait_for_url(f"{base}/admin/")
    admin.goto(f"{base}/admin/tickets/ticket/{ticket.pk}/change/")
    checklist = admin.locator("[data-exposure-checklist]")
    expect(checklist).to_contain_text("Secret exposed: security checklist")
    shot(admin, "agent-sees-checklist")
    for step in ("advised", "funds_moved", "approvals_revoked"):
        admin.click(f"[data-step={step}] button")
        expect(admin.locator(".messagelist")).to_contain_text("Checklist updated.")
        expect(admin.locator(f"[data-step={step}]")).to_contain_text("by sara")
    shot(admin, "checklist-done")
    steps = ticket.events.filter(kind=EventKind.EXPOSURE_STEP).values_list("after", flat=True)
    assert sorted(steps) == ["advised", "approvals_revoked", "funds_moved"]


def test_a_pasted_phrase_is_removed_and_the_playbook_runs(live_server, new_page, shot, mailoutbox, desk):
    _customer("wei@example.com")
    page = new_page()

    _paste_into_a_request(page, live_server.url, "wei@example.com", "Wallet drained", f"My phrase: {PHRASE}")

    ticket = Ticket.objects.get(customer__email="wei@example.com")
    warning = page.locator(".bubble--system")
    expect(warning).to_contain_text("For your safety, we removed the recovery phrase")
    expect(warning).to_contain_text("Revoke the token approvals")
    expect(page.locator(".bubble--customer")).to_contain_text("[recovery phrase removed]")
    expect(page.locator("main")).not_to_contain_text(PHRASE.split()[5] + " " + PHRASE.split()[6])
    shot(page, "customer-warned")
    alert = next(mail for mail in mailoutbox if mail.to == ["officer@example.com"])
    assert alert.subject == f"[Security] Secret exposed on {ticket.reference}"
    assert (ticket.customer.secret_exposed_channel, ticket.customer.secret_exposed_at is not None) == ("portal", True)

    _work_the_checklist(new_page, live_server.url, ticket, shot)


@pytest.mark.skipif(
    not _zh_detected(),
    reason="the detector does not yet find a Chinese phrase written after a label with full-width commas "
    "(issue 20 item 1, detector work of helper h4); this test runs as soon as it does",
)
def test_a_chinese_customer_is_warned_in_chinese(live_server, new_page, shot, mailoutbox, desk):
    _customer("li@example.com", language="zh-hans")
    page = new_page(locale="zh-CN")

    _paste_into_a_request(page, live_server.url, "li@example.com", "钱包被盗", MESSAGE_ZH)

    ticket = Ticket.objects.get(customer__email="li@example.com")
    expect(page.locator(".bubble--system")).to_contain_text(
        re.compile("为保障您的安全，我们已删除您在工单 .+ 中发送的助记词")
    )
    shot(page, "customer-warned-zh")
    assert any(mail.to == ["officer@example.com"] for mail in mailoutbox)
    _work_the_checklist(new_page, live_server.url, ticket, shot)
