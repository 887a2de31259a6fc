"""The public safety pages: verify an official contact, report an impersonator (rate-limited)."""

from django.test import Client
from django.urls import reverse

from tickets.models import Channel, OfficialContact, Priority, Ticket


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


def test_report_creates_a_security_ticket(client, officials, security_team):
    response = client.post(
        reverse("safety:report_impersonator"),
        {
            "contact": "supp0rtdesk.example",
            "where_seen": "telegram",
            "description": "They asked for my 12 words.",
            "email": "victim@example.com",
        },
        follow=True,
    )

    assert "security team has received your report" in response.content.decode()
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.priority, ticket.team) == (Channel.WEB_FORM, Priority.HIGH, security_team)
    assert ticket.customer.email == "victim@example.com"
    assert ticket.subject == "Impersonator report: supp0rtdesk.example"
    assert "homoglyph" in ticket.messages.get().body and "Telegram" in ticket.messages.get().body


def test_report_requires_csrf_and_valid_input(officials):
    strict = Client(enforce_csrf_checks=True)
    data = {"contact": "supp0rtdesk.example", "where_seen": "telegram", "email": "victim@example.com"}

    assert strict.post(reverse("safety:report_impersonator"), data).status_code == 403
    invalid = Client().post(reverse("safety:report_impersonator"), {**data, "email": "nope"})
    assert invalid.status_code == 400 and "Enter a valid email address." in invalid.content.decode()
    assert not Ticket.objects.exists()


def test_reports_are_rate_limited_per_address(client, officials, settings):
    settings.SAFETY_REPORTS_PER_HOUR = 2
    data = {"contact": "supp0rtdesk.example", "where_seen": "x", "email": "victim@example.com"}
    statuses = [client.post(reverse("safety:report_impersonator"), data).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Ticket.objects.count() == 2
