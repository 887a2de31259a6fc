"""The public safety pages: verify an official contact, report an impersonator (rate-limited)."""

import pytest
from django.test import Client
from django.urls import reverse

from tickets.models import Customer, ImpersonatorReport, OfficialContact, Ticket
from tickets.safety.models import ImpersonatorReportStatus


def test_page_shows_the_verdict_and_the_official_list(client, officials):
    official = client.get(reverse("safety:verify_contact"), {"contact": "https://t.me/supportdesk_official"})
    fake = client.get(reverse("safety:verify_contact"), {"contact": "supp0rtdesk.example"})
    empty = client.get(reverse("safety:verify_contact"))

    assert "This is an official channel." in official.content.decode()
    assert "Report an impersonator" not in official.content.decode()
    assert "this is NOT us" in fake.content.decode()
    assert "look-alike characters" in fake.content.decode()
    assert 'name="csrfmiddlewaretoken"' in fake.content.decode()
    assert empty.status_code == 200 and "+86 400 800 8888" in empty.content.decode()
    assert '<meta charset="utf-8">' in empty.content.decode()


def test_page_query_count_does_not_grow_with_the_official_list(client, django_assert_num_queries, officials):
    url = reverse("safety:verify_contact")
    with django_assert_num_queries(1):
        client.get(url, {"contact": "supp0rtdesk.example"})
    OfficialContact.objects.bulk_create(
        OfficialContact(kind="website", value=f"mirror{i}.example", label=f"Mirror {i}") for i in range(20)
    )
    with django_assert_num_queries(1):
        client.get(url, {"contact": "supp0rtdesk.example"})


REPORT = {
    "contact": "supp0rtdesk.example",
    "where_seen": "telegram",
    "description": "Click https://evil.example to claim your refund. They asked for my 12 words.",
    "email": "victim@example.com",
}


def report(client, **changes):
    return client.post(reverse("safety:report_impersonator"), {**REPORT, **changes}, follow=True)


def test_a_report_goes_to_the_security_queue_without_a_ticket_or_a_mail(client, officials, mailoutbox):
    """Issue 19, finding 6: the form opened a ticket in the typed address's name and mailed the text to it."""
    response = report(client)

    assert "security team has received your report" in response.content.decode()
    queued = ImpersonatorReport.objects.get()
    assert (queued.contact, queued.where_seen, queued.reporter_email) == (
        "supp0rtdesk.example",
        "telegram",
        "victim@example.com",
    )
    assert "homoglyph" in queued.check_result and "evil.example" in queued.description
    assert (queued.status, queued.reporter) == (ImpersonatorReportStatus.NEW, None)
    assert not Ticket.objects.exists() and not Customer.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["anonymous", "customer", "customer_typing_another_address", "unlinked_user", "agent"])
def test_every_visitor_can_report_and_nothing_is_done_in_anyones_name(
    client, officials, mailoutbox, customer, agent, django_user_model, who
):
    users = {
        "customer": customer.user,
        "customer_typing_another_address": customer.user,
        "unlinked_user": django_user_model.objects.create_user("loner", "loner@example.com", "x"),
        "agent": agent,
    }
    if who in users:
        client.force_login(users[who])
    email = "stranger@example.net" if who == "customer_typing_another_address" else REPORT["email"]

    response = report(client, email=email)

    assert response.status_code == 200
    queued = ImpersonatorReport.objects.get()
    assert (queued.reporter, queued.reporter_email) == (users.get(who), email)
    assert Customer.objects.count() == 1 and not Ticket.objects.exists()
    assert mailoutbox == []


def test_a_seed_phrase_in_a_report_is_redacted_before_storage(client, officials):
    phrase = "abandon " * 11 + "about"

    report(client, description=f"They wanted {phrase}")

    assert phrase not in ImpersonatorReport.objects.get().description


def test_report_requires_csrf_and_valid_input(officials):
    strict = Client(enforce_csrf_checks=True)
    data = {"contact": "supp0rtdesk.example", "where_seen": "telegram", "email": "victim@example.com"}

    assert strict.post(reverse("safety:report_impersonator"), data).status_code == 403
    invalid = Client().post(reverse("safety:report_impersonator"), {**data, "email": "nope"})
    assert invalid.status_code == 400 and "Enter a valid email address." in invalid.content.decode()
    assert not ImpersonatorReport.objects.exists()


def test_reports_are_rate_limited_per_address(client, officials, settings):
    settings.SAFETY_REPORTS_PER_HOUR = 2
    data = {"contact": "supp0rtdesk.example", "where_seen": "x", "email": "victim@example.com"}
    statuses = [client.post(reverse("safety:report_impersonator"), data).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert ImpersonatorReport.objects.count() == 2
