"""Browser check of the privacy journeys: a customer sets consent and downloads their data after
re-entering the password; a supervisor confirms an erasure and reads the certificate."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import timezone

from privacy.models import ConsentRecord, ErasureRequest
from tests import factories
from tests.e2e.conftest import DESKTOP, PHONE
from tickets.models import IdentityVerification
from tickets.safety.models import VerificationStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def signed_in(new_page, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    page = new_page(viewport=viewport)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    return page


def test_a_customer_sets_consent_and_downloads_their_data(live_server, new_page, shot):
    user = factories.UserFactory(username="dana@example.com", email="dana@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    customer = factories.CustomerFactory(email=user.email, name="Dana", user=user)
    factories.ticket(customer=customer, subject="Where is my USDT?", body="Sent yesterday.")
    page = signed_in(new_page, live_server, user, PHONE)

    page.goto(f"{live_server.url}/portal/privacy/")
    assert page.locator("footer a", has_text="Privacy notice").count() == 1
    page.check("input[name=announcements__email]")
    page.click("form.form button[type=submit]")
    assert "Your choices were saved" in page.locator(".messages").inner_text()
    assert ConsentRecord.objects.get().granted
    shot(page, "privacy-page")

    page.click("text=Request a copy of my data")
    page.fill("input[name=password]", "pw")
    shot(page, "reauthenticate")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/portal/privacy/export/")
    shot(page, "export-confirm")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/portal/privacy/")
    shot(page, "export-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download", exact=True).click()
    assert download.value.suggested_filename.startswith("supportdesk-data-")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_supervisor_confirms_an_erasure_and_reads_the_certificate(live_server, new_page, shot):
    team = factories.TeamFactory(name="Privacy team")
    supervisor = factories.supervisor(teams=[team], username="sam")
    customer = factories.CustomerFactory(email="erin@example.com", name="Erin")
    ticket = factories.ticket(customer=customer, team=team)
    IdentityVerification.objects.create(
        ticket=ticket, requested_by=supervisor, channels="email", status=VerificationStatus.VERIFIED,
        expires_at=timezone.now() + timedelta(minutes=5), verified_at=timezone.now(),
    )  # fmt: skip
    request = ErasureRequest.objects.create(
        customer=customer, customer_ref=customer.pk, requested_by=supervisor, reason="Asked by email"
    )
    page = signed_in(new_page, live_server, supervisor, DESKTOP)

    page.goto(f"{live_server.url}/admin/privacy/erasurerequest/{request.pk}/confirm/")
    page.fill("input[name=typed_email]", "erin@example.com")
    shot(page, "confirm-erasure")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/privacy/erasurerequest/{request.pk}/certificate/")
    shot(page, "certificate")
    assert "Certificate of erasure" in page.content()
    assert "tickets" in page.locator("table").nth(1).inner_text()
