"""The notifications pages: the inbox (own only, query count), opening one, the bell's feed, settings, @mentions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tickets.notifications import services as notifications
from tickets.notifications.models import DigestFrequency, Notification, NotificationKind, NotificationSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def notify(user, count=1, *, ticket=None, actor=None):
    for n in range(count):
        notifications.notify(
            recipient_ids=[user.pk],
            kind=NotificationKind.ASSIGNED,
            text=f"SD-{n} case {n}",
            url=f"/admin/tickets/ticket/{ticket.pk}/change/" if ticket else "/admin/",
            ticket_id=ticket.pk if ticket else None,
            actor_id=actor.pk if actor else None,
        )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["tickets_notification_changelist", "tickets_notification_feed"])
def test_the_inbox_and_the_bell_feed_run_the_same_queries_for_1_and_20(agent_client, agent, ticket, teammate, name):
    url = reverse(f"admin:{name}")
    notify(agent, ticket=ticket, actor=teammate)
    agent_client.get(url)
    one = queries(agent_client, url)
    notify(agent, 19, ticket=ticket, actor=factories.agent(username="another"))

    assert queries(agent_client, url) == one


def test_the_feed_counts_only_the_users_unread(agent_client, agent, teammate):
    notify(agent, 3)
    notify(teammate, 2)
    oldest = Notification.objects.filter(recipient=agent).order_by("pk").first()
    notifications.notifications_mark_read(user=agent, notification_ids=[oldest.pk])

    feed = agent_client.get(reverse("admin:tickets_notification_feed")).json()

    assert feed["unread"] == 2 and len(feed["items"]) == 3
    assert [item["read"] for item in feed["items"]] == [False, False, True]


def test_the_inbox_lists_only_the_users_own(agent_client, agent, teammate):
    notify(agent, 1)
    notify(teammate, 1)
    theirs = Notification.objects.get(recipient=teammate)

    listing = agent_client.get(reverse("admin:tickets_notification_changelist"))
    other = agent_client.get(reverse("admin:tickets_notification_change", args=[theirs.pk]))

    assert list(listing.context["cl"].result_list) == list(Notification.objects.filter(recipient=agent))
    assert other.status_code == 302 and other["Location"] == reverse("admin:index")


def test_opening_marks_read_and_follows_the_link_only_for_the_recipient(agent_client, agent, teammate, ticket):
    notify(agent, ticket=ticket)
    notify(teammate, ticket=ticket)
    mine, theirs = Notification.objects.get(recipient=agent), Notification.objects.get(recipient=teammate)

    opened = agent_client.get(reverse("admin:tickets_notification_open", args=[mine.pk]))
    refused = agent_client.get(reverse("admin:tickets_notification_open", args=[theirs.pk]))

    assert opened.status_code == 302 and opened["Location"] == reverse("admin:tickets_ticket_change", args=[ticket.pk])
    assert refused.status_code == 403
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_mark_all_read_and_the_digest_settings(agent_client, agent):
    notify(agent, 2)

    agent_client.post(reverse("admin:tickets_notification_read_all"))
    saved = agent_client.post(reverse("admin:tickets_notification_settings"), {"digest": DigestFrequency.DAILY})
    invalid = agent_client.post(reverse("admin:tickets_notification_settings"), {"digest": "weekly"})

    assert not Notification.objects.unread().exists()
    assert saved.status_code == 302 and NotificationSettings.objects.get(user=agent).digest == DigestFrequency.DAILY
    assert invalid.status_code == 200 and invalid.context["form"].errors


def test_mention_autocomplete_offers_active_staff(agent_client, customer):
    factories.agent(username="tess", first_name="Tess")
    factories.agent(username="tom", is_active=False)

    found = agent_client.get(reverse("admin:tickets_notification_mentions"), {"term": "@t"}).json()

    assert found == {"results": [{"username": "tess", "name": "Tess"}]}


def test_the_header_has_the_bell(agent_client):
    page = agent_client.get(reverse("admin:tickets_notification_changelist")).content.decode()

    assert 'id="sd-bell"' in page and 'data-socket="/ws/notifications/"' in page and "bell.js" in page
