"""Content-Security-Policy in a real browser: every portal page and the main admin pages load with no violation.

A listener installed before any page script records each `securitypolicyviolation` event; Chromium's
console messages about the policy are recorded too. The pages are the portal's (anonymous and signed in),
allauth's, and the admin's main screens with data on them.
"""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from feedback.tokens import survey_token
from tests import factories
from tickets import services
from tickets.models import Channel, OfficialContact, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} at ${where}`);
});
"""


def watched_page(new_page):
    page = new_page(viewport={"width": 1280, "height": 900})
    page.context.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    return page, console


def violations(page, console, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status < 500, f"{url}: {response and response.status}"
    assert response.headers.get("content-security-policy"), f"{url}: no CSP header"
    page.wait_for_load_state("load")
    assert page.url.split("?")[0] == url.split("?")[0], f"{url} redirected to {page.url}"
    found = [f"{url}: {entry}" for entry in page.evaluate("window.__cspViolations")]
    found += [f"{url}: console: {text}" for text in console if "Content Security Policy" in text]
    console.clear()
    return found


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}{reverse('account_login')}")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "pw")
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")


@pytest.fixture
def desk(customer, team, security_team):
    cache.clear()
    EmailAddress.objects.create(user=customer.user, email=customer.email, verified=True, primary=True)
    staff = factories.administrator(username="root", email="root@example.com")
    supervisor = factories.supervisor(teams=[team], username="lead")
    ticket = services.ticket_create(
        customer=customer, subject="USDT stuck", body="Sent 10 USDT", channel=Channel.PORTAL, actor=customer.user,
        team=team,
    )  # fmt: skip
    services.ticket_reply(ticket=ticket, body="We are checking.", actor=supervisor)
    # So the ticket page also shows the exposure checklist panel.
    Ticket.objects.filter(pk=ticket.pk).update(secret_exposed=True)
    complaint = factories.complaint(ticket=ticket, actor=supervisor, stage="awaiting_confirmation")
    article = factories.kb_article(author=supervisor, translations={"en": ("Back up", "Write **it** down.")})
    invitation = factories.SurveyInvitationFactory(ticket=ticket)
    OfficialContact.objects.create(kind="website", value="supportdesk.example", label="Official website")
    return {"staff": staff, "ticket": ticket, "complaint": complaint, "article": article, "invitation": invitation}


def test_portal_and_account_pages_have_no_csp_violations(live_server, new_page, desk, customer):
    base = live_server.url
    ticket, article = desk["ticket"], desk["article"]
    anonymous = [
        reverse("portal:home"),
        reverse("portal:contact"),
        reverse("knowledge:home"),
        f"{reverse('knowledge:search')}?q=back+up",
        reverse("knowledge:category", args=[article.category.slug]),
        reverse("knowledge:article", args=[article.slug]),
        reverse("knowledge:bot"),
        reverse("safety:verify_contact"),
        f"{reverse('safety:verify_contact')}?contact=supp0rtdesk.example",
        reverse("feedback:survey", args=[survey_token(desk["invitation"].key)]),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        "/portal/no-such-page/",
    ]
    signed_in = [
        reverse("portal:request_list"),
        reverse("portal:request_new"),
        reverse("portal:request_detail", args=[ticket.pk]),
        reverse("portal:profile"),
        reverse("complaints:list"),
        reverse("complaints:new"),
        reverse("complaints:detail", args=[desk["complaint"].pk]),
        reverse("safety:verify_identity", args=[ticket.pk]),
        reverse("feedback:my_surveys"),
        reverse("feedback:suggestion_new"),
        reverse("account_change_password"),
        reverse("account_email"),
    ]
    page, console = watched_page(new_page)
    found = [entry for path in anonymous for entry in violations(page, console, f"{base}{path}")]
    sign_in(page, base, customer.email)
    found += [entry for path in signed_in for entry in violations(page, console, f"{base}{path}")]

    assert found == []


def test_main_admin_pages_have_no_csp_violations(live_server, new_page, desk):
    base = live_server.url
    ticket = desk["ticket"]
    pages = [
        reverse("admin:index"),
        reverse("admin:tickets_ticket_changelist"),
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        reverse("admin:tickets_ticket_add"),
        reverse("admin:tickets_ticket_supervisor"),
        reverse("admin:knowledge_macro_apply", args=[ticket.pk]),
        reverse("admin:tickets_customer_changelist"),
        reverse("admin:tickets_customer_change", args=[ticket.customer.pk]),
        reverse("admin:tickets_complaint_changelist"),
        reverse("admin:tickets_complaint_change", args=[desk["complaint"].pk]),
        reverse("admin:tickets_complaint_approvals"),
        reverse("admin:tickets_complaint_summary"),
        reverse("admin:knowledge_article_changelist"),
        reverse("admin:knowledge_article_change", args=[desk["article"].pk]),
        reverse("admin:knowledge_unansweredquestion_changelist"),
        reverse("admin:feedback_satisfaction_report"),
        reverse("admin:feedback_agent_scorecard"),
        reverse("admin:feedback_hot_topics"),
        reverse("admin:feedback_suggestion_groups"),
        reverse("admin:training_trainingassignment_matrix"),
        reverse("admin:training_agentaward_top"),
        reverse("admin:workforce_shift_staffing"),
        reverse("admin:supportdesk_user_changelist"),
        reverse("admin:supportdesk_user_change", args=[desk["staff"].pk]),
        reverse("admin:supportdesk_apitoken_add"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:supportdesk_auditentry_changelist"),
        reverse("mfa_index"),
        reverse("api:docs"),
    ]
    page, console = watched_page(new_page)
    sign_in(page, base, "root")

    found = [entry for path in pages for entry in violations(page, console, f"{base}{path}")]
    # The API docs draw themselves from the schema after "load": give Swagger UI time to render.
    page.goto(f"{base}{reverse('api:docs')}")
    page.wait_for_selector(".swagger-ui .info")
    found += page.evaluate("window.__cspViolations")

    assert found == []
