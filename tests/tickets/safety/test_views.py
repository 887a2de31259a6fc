"""Verify an official contact: lookalike detection, the public page and the impersonator report."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tickets.models import Channel, OfficialContact, Priority, Ticket
from tickets.safety import lookalike

OFFICIAL = [
    ("website", "supportdesk.example", "Official website"),
    ("email", "support@supportdesk.example", "Support email"),
    ("phone", "+86 400 800 8888", "Hotline"),
    ("social", "https://t.me/supportdesk_official", "Official Telegram"),
    ("social", "https://x.com/supportdesk", "Official X"),
]


@pytest.fixture
def officials(db):
    cache.clear()
    return [OfficialContact.objects.create(kind=kind, value=value, label=label) for kind, value, label in OFFICIAL]


def verdict(value):
    pairs = [(lookalike.canonical(c.value, c.kind), c) for c in OfficialContact.objects.all()]
    return lookalike.check_contact(value, pairs)


@pytest.mark.parametrize(
    "value",
    [
        "supportdesk.example",
        "https://www.supportdesk.example/",
        "https://help.supportdesk.example/faq",
        "SUPPORT@SupportDesk.example",
        "+86 400-800-8888",
        "0086 400 800 8888",
        "400 800 8888",
        "https://telegram.me/supportdesk_official",
        "twitter.com/supportdesk",
        "@supportdesk",
    ],
)
def test_official_contacts_in_any_spelling(officials, value):
    assert verdict(value).status == lookalike.OFFICIAL


@pytest.mark.parametrize(
    ("value", "reason", "imitated"),
    [
        ("supp0rtdesk.example", lookalike.HOMOGLYPH, "Official website"),
        ("suppоrtdesk.example", lookalike.HOMOGLYPH, "Official website"),  # Cyrillic о
        ("ѕupportdеsk.example", lookalike.HOMOGLYPH, "Official website"),  # Cyrillic ѕ and е
        ("supportdesk.com", lookalike.WRONG_TLD, "Official website"),
        ("supportdesk-help.example", lookalike.EXTRA_CHARACTERS, "Official website"),
        ("support@supportdesk-help.com", lookalike.EXTRA_CHARACTERS, "Support email"),
        ("suportdesk.example", lookalike.SIMILAR, "Official website"),
        ("t.me/supportdesk_0fficial", lookalike.HOMOGLYPH, "Official Telegram"),
        ("@supportdesk_support", lookalike.EXTRA_CHARACTERS, "Official X"),
        ("+86 400 800 8889", lookalike.SIMILAR, "Hotline"),
    ],
)
def test_lookalikes_name_the_channel_they_imitate(officials, value, reason, imitated):
    result = verdict(value)

    assert result.status == lookalike.LOOKALIKE
    assert reason in result.reasons
    assert result.match.label == imitated


@pytest.mark.parametrize("value", ["example.org", "someone@gmail.com", "+1 202 555 0143", "@cryptonews"])
def test_unrelated_contacts_are_unknown(officials, value):
    assert verdict(value).status == lookalike.UNKNOWN


def test_an_unlisted_address_at_our_domain_is_not_vouched_for(officials):
    result = verdict("billing@supportdesk.example")

    assert (result.status, result.reasons) == (lookalike.UNKNOWN, [lookalike.UNLISTED_ADDRESS])


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
