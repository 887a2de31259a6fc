"""The status notice admin: pages open, the changelist costs the same queries for 1 or 20 rows, bad input is refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge.models import StatusNotice
from tests import factories
from tests.admin_queries import measured_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_pages_open(client, superuser):
    notice = StatusNotice.objects.create(title="Transfers delayed", is_published=True)
    client.force_login(superuser)

    assert client.get(reverse("admin:knowledge_statusnotice_changelist")).status_code == 200
    assert client.get(reverse("admin:knowledge_statusnotice_add")).status_code == 200
    assert client.get(reverse("admin:knowledge_statusnotice_change", args=[notice.pk])).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_the_changelist_runs_a_fixed_number_of_queries(client, superuser, django_assert_num_queries, count):
    StatusNotice.objects.bulk_create(StatusNotice(title=f"Notice {n}", is_published=n % 2 == 0) for n in range(count))
    client.force_login(superuser)

    # The same count for 1 and 20 rows (session, user, counts, rows, the date hierarchy, the filters' options).
    response = measured_get(client, django_assert_num_queries, reverse("admin:knowledge_statusnotice_changelist"), 7)

    assert response.content.decode().count('name="form-') >= count


def form(**changes):
    now = timezone.localtime()
    data = {
        "title": "Node maintenance",
        "body": "Deposits may be late.",
        "severity": "maintenance",
        "is_published": "on",
        "starts_at_0": now.strftime("%Y-%m-%d"),
        "starts_at_1": now.strftime("%H:%M:%S"),
        "ends_at_0": (now + timedelta(hours=2)).strftime("%Y-%m-%d"),
        "ends_at_1": (now + timedelta(hours=2)).strftime("%H:%M:%S"),
        "translations": "",
    }
    return data | changes


def test_a_notice_is_added_with_empty_translations(client, superuser):
    client.force_login(superuser)

    response = client.post(reverse("admin:knowledge_statusnotice_add"), form())

    assert response.status_code == 302
    assert StatusNotice.objects.get().translations == {}


@pytest.mark.parametrize(
    "changes",
    [
        {"translations": '{"klingon": {"title": "x"}}'},
        {"translations": '{"zh-hans": "only a string"}'},
        {"ends_at_0": "2000-01-01", "ends_at_1": "00:00:00"},
    ],
    ids=["unknown-language", "wrong-shape", "ends-before-start"],
)
def test_bad_input_is_a_field_error(client, superuser, changes):
    client.force_login(superuser)

    response = client.post(reverse("admin:knowledge_statusnotice_add"), form(**changes))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not StatusNotice.objects.exists()
