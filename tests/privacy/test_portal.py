from __future__ import annotations

import pytest
from django.urls import reverse

from privacy.models import AccessRequest, ConsentRecord
from privacy.services.consent import consent_given

pytestmark = pytest.mark.django_db


def test_the_portal_links_the_privacy_notice_for_everyone(client, settings):
    page = client.get(reverse("portal:contact"))
    assert reverse("privacy:notice") in page.content.decode()
    assert client.get(reverse("privacy:notice")).url == settings.PRIVACY_NOTICE_URL


def test_consent_is_recorded_per_purpose_and_channel_only_when_it_changes(client, customer, settings):
    client.force_login(customer.user)
    page = client.get(reverse("privacy:home"))
    assert page.status_code == 200 and "announcements__email" in page.content.decode()

    client.post(reverse("privacy:home"), {"announcements__email": "on"})
    client.post(reverse("privacy:home"), {"announcements__email": "on"})
    client.post(reverse("privacy:home"), {})

    announcements = ConsentRecord.objects.filter(customer=customer, purpose="announcements")
    assert list(announcements.order_by("id").values_list("channel", "granted")) == [("email", True), ("email", False)]
    assert announcements.filter(notice_version=settings.PRIVACY_NOTICE_VERSION).count() == 2
    # Surveys are sent until declined (PRIVACY_OPT_OUT_PURPOSES): the unticked boxes recorded a "no".
    surveys = ConsentRecord.objects.filter(customer=customer, purpose="surveys")
    assert sorted(surveys.values_list("channel", "granted")) == [("email", False), ("sms", False)]
    assert not consent_given(customer=customer, purpose="announcements", channel="email")


def test_requesting_an_export_needs_the_password_again(client, customer, django_capture_on_commit_callbacks):
    client.force_login(customer.user)  # a session without a recent password entry
    response = client.post(reverse("privacy:export_new"))
    assert response.status_code == 302 and reverse("account_reauthenticate") in response.url
    assert not AccessRequest.objects.exists()

    client.post(reverse("account_reauthenticate"), {"password": "pw"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:export_new"))
    assert response.url == reverse("privacy:home")
    export = AccessRequest.objects.get(customer=customer)
    assert export.status == "ready"
    assert "/portal/privacy/export/" in client.get(reverse("privacy:home")).content.decode()


def test_staff_are_sent_to_the_admin(client, agent):
    client.force_login(agent)
    assert client.get(reverse("privacy:home")).url == reverse("admin:index")
