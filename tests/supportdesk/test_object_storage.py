"""Attachments on object storage (issue 22, point 3): a real S3-compatible server (moto, tests/objectstore.py)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"object-storage-test" * 8
HEALTH_TOKEN = "monitor-s3-7d2e"


def _create_ticket_with_attachment(customer) -> Attachment:
    api = APIClient()
    api.force_authenticate(customer.user)
    response = api.post(
        "/api/v1/tickets/",
        {"subject": "Swap failed", "body": "screenshot attached", "attachments": [SimpleUploadedFile("swap.png", PNG)]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return Ticket.objects.get(pk=response.json()["id"]).messages.get().attachments.get()


def test_an_uploaded_attachment_lands_in_the_bucket_not_on_disk(object_store, customer):
    attachment = _create_ticket_with_attachment(customer)

    assert object_store.object_names() == [attachment.file.name]
    assert object_store.client().get_object(Bucket=object_store.bucket, Key=attachment.file.name)["Body"].read() == PNG
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / attachment.file.name).exists()


def test_with_our_file_encryption_the_bucket_holds_ciphertext_and_downloads_stream_the_file(
    encrypted_object_store, customer
):
    attachment = _create_ticket_with_attachment(customer)
    api = APIClient()
    api.force_authenticate(customer.user)

    stored = encrypted_object_store.client().get_object(Bucket=encrypted_object_store.bucket, Key=attachment.file.name)
    response = api.get(f"/api/v1/attachments/{attachment.pk}/download/")

    assert encrypted_object_store.object_names() == [attachment.file.name]
    assert PNG not in stored["Body"].read(), "the bucket never sees the file in clear"
    assert response.status_code == 200, "no signed URL: the bytes must pass through the decryption"
    assert b"".join(response.streaming_content) == PNG


def test_an_authorized_download_is_a_short_lived_signed_redirect_that_works(object_store, customer):
    attachment = _create_ticket_with_attachment(customer)
    api = APIClient()
    api.force_authenticate(customer.user)

    response = api.get(f"/api/v1/attachments/{attachment.pk}/download/")

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    assert url.startswith(f"{object_store.endpoint}/{object_store.bucket}/")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"]  # OBJECT_STORAGE_URL_SECONDS; S3 refuses the URL after that
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Signature"]
    assert query["response-content-disposition"] == ['attachment; filename="swap.png"']
    fetched = requests.get(url, timeout=5)
    assert fetched.status_code == 200 and fetched.content == PNG
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="swap.png"'
    bare = requests.get(url.split("?")[0], timeout=5)  # the object's URL without the signature
    assert bare.status_code == 403 and PNG not in bare.content


def test_the_expiry_of_signed_urls_is_configurable(object_store, customer, settings):
    settings.OBJECT_STORAGE_URL_SECONDS = 5
    attachment = _create_ticket_with_attachment(customer)
    client = Client()
    client.force_login(customer.user)

    location = client.get(f"/attachments/{attachment.pk}/")["Location"]

    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["5"]


def test_another_customer_and_anonymous_callers_get_no_url(object_store, customer, other_customer):
    attachment = _create_ticket_with_attachment(customer)
    intruder = APIClient()
    intruder.force_authenticate(other_customer.user)
    portal_intruder = Client()
    portal_intruder.force_login(other_customer.user)

    refused = [
        intruder.get(f"/api/v1/attachments/{attachment.pk}/download/"),
        portal_intruder.get(f"/attachments/{attachment.pk}/"),
        APIClient().get(f"/api/v1/attachments/{attachment.pk}/download/"),
    ]

    assert [response.status_code for response in refused] == [404, 404, 401]
    assert not any(object_store.bucket in response.get("Location", "") for response in refused)


def test_healthz_reports_the_object_storage_ok_then_failing_when_it_stops(own_object_store, settings):
    settings.HEALTHZ_TOKEN = HEALTH_TOKEN
    monitor = Client(HTTP_X_HEALTH_TOKEN=HEALTH_TOKEN)

    up = monitor.get("/healthz").json()
    own_object_store.stop()
    down = monitor.get("/healthz")

    assert up["storage"] == {"ok": True, "backend": "S3Storage"}
    # The site still answers (the load balancer keeps it), but monitors see the storage failing.
    assert down.status_code == 200
    assert down.json()["status"] == "degraded"
    assert down.json()["storage"] == {"ok": False, "backend": "S3Storage", "error": "EndpointConnectionError"}
