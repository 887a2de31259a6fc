from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
import requests
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessRequest, ExportStatus
from privacy.services import export
from tickets.models import Customer

pytestmark = pytest.mark.django_db


def built(person, *, actor=None, by_staff=False, capture):
    with capture(execute=True):
        request = export.export_request(
            customer=person.customer, actor=actor or person.customer.user, by_staff=by_staff
        )
    request.refresh_from_db()
    return request


def archive_of(request: AccessRequest) -> zipfile.ZipFile:
    with request.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_the_export_holds_the_customers_data_as_json_html_and_their_attachments(
    person, django_capture_on_commit_callbacks
):
    request = built(person, capture=django_capture_on_commit_callbacks)

    assert request.status == ExportStatus.READY and request.size > 0
    archive = archive_of(request)
    data = json.loads(archive.read("data.json"))
    assert data["customer"]["email"] == person.customer.email
    assert data["customer"]["wallet_addresses"][0]["address"].startswith("0xzorbcafe")
    assert [t["reference"] for t in data["tickets"]] == [t.reference for t in person.tickets]
    first = data["tickets"][0]
    assert "call me on" in first["messages"][0]["body"]
    attachment_path = first["messages"][0]["attachments"][0]["file"]
    assert archive.read(attachment_path).startswith(b"statement of Zorbina")
    assert data["surveys"][0]["comment"] == "Zorbina Quokkason is happy"
    assert data["complaints"][0]["remedies"][0]["asset"] == "USDT"
    html = archive.read("index.html").decode()
    assert "Your data at SupportDesk" in html and person.customer.name in html


def test_the_export_is_written_in_the_customers_language(person, django_capture_on_commit_callbacks):
    Customer.objects.filter(pk=person.customer.pk).update(language="zh-hans")
    person.customer.refresh_from_db()
    request = built(person, capture=django_capture_on_commit_callbacks)
    html = archive_of(request).read("index.html").decode()
    assert '<html lang="zh-hans">' in html


def test_the_download_link_is_signed_short_lived_and_only_for_the_customer(
    client, person, bystander, django_capture_on_commit_callbacks
):
    request = built(person, capture=django_capture_on_commit_callbacks)
    url = reverse("privacy:export_download", args=[export.download_token(request)])

    client.force_login(person.customer.user)
    assert client.get(url).status_code == 200
    assert client.get(url[:-3] + "xx/").status_code == 404  # a forged signature
    later = timezone.now() + timedelta(minutes=61)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        assert client.get(url).status_code == 404
    client.force_login(bystander.customer.user)
    assert client.get(url).status_code == 404


def test_a_customer_exports_only_their_own_data_and_staff_need_the_permission(person, bystander, agent, supervisor):
    with pytest.raises(PermissionDenied):
        export.export_request(customer=bystander.customer, actor=person.customer.user)
    with pytest.raises(PermissionDenied):
        export.export_request(customer=person.customer, actor=agent, by_staff=True)
    assert export.export_request(customer=person.customer, actor=supervisor, by_staff=True).by_staff


def test_expired_exports_lose_their_file(person, django_capture_on_commit_callbacks):
    request = built(person, capture=django_capture_on_commit_callbacks)
    name = request.file.name
    AccessRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert export.exports_expire() == 1
    request.refresh_from_db()
    assert request.status == ExportStatus.EXPIRED and not request.file
    assert name and not default_storage.exists(name)


def test_on_object_storage_the_export_is_stored_in_the_bucket_and_downloaded_through_a_signed_url(
    object_store, client, person, bystander, django_capture_on_commit_callbacks
):
    request = built(person, capture=django_capture_on_commit_callbacks)
    url = reverse("privacy:export_download", args=[export.download_token(request)])

    client.force_login(bystander.customer.user)
    refused = client.get(url)
    client.force_login(person.customer.user)
    response = client.get(url)

    assert request.file.name in object_store.object_names()
    assert refused.status_code == 404
    assert response.status_code == 302 and "X-Amz-Signature=" in response["Location"]
    archive = zipfile.ZipFile(io.BytesIO(requests.get(response["Location"], timeout=5).content))
    assert json.loads(archive.read("data.json"))["customer"]["email"] == person.customer.email
