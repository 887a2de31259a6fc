from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessRequest, ConsentRecord, ErasureRequest, ErasureStatus, LegalHold, RetentionRun
from tests import factories
from tickets.models import Customer, IdentityVerification
from tickets.safety.models import VerificationStatus

pytestmark = pytest.mark.django_db


def verify(ticket, agent):
    IdentityVerification.objects.create(
        ticket=ticket,
        requested_by=agent,
        channels="email",
        status=VerificationStatus.VERIFIED,
        expires_at=timezone.now() + timedelta(minutes=5),
        verified_at=timezone.now(),
    )


def test_a_supervisor_erases_a_customer_in_two_steps_and_reads_the_certificate(
    client, supervisor, agent, customer, ticket, django_capture_on_commit_callbacks
):
    verify(ticket, agent)
    client.force_login(supervisor)
    response = client.post(reverse("admin:privacy_erasurerequest_add"), {"customer": customer.pk, "reason": "by mail"})
    request = ErasureRequest.objects.get()
    assert response.url == reverse("admin:privacy_erasurerequest_confirm", args=[request.pk])
    confirm = reverse("admin:privacy_erasurerequest_confirm", args=[request.pk])

    assert "Type the customer" in client.post(confirm, {"typed_email": "wrong@example.org"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm, {"typed_email": customer.email})

    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert Customer.objects.get(pk=customer.pk).email == f"erased-{customer.pk}@erased.invalid"
    certificate = client.get(reverse("admin:privacy_erasurerequest_certificate", args=[request.pk]))
    assert "Certificate of erasure" in certificate.content.decode()


def test_the_erasure_form_refuses_a_customer_without_identity_verification(client, supervisor, customer, ticket):
    client.force_login(supervisor)
    response = client.post(reverse("admin:privacy_erasurerequest_add"), {"customer": customer.pk})
    assert response.status_code == 200 and "Verify the customer" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_legal_holds_are_set_and_released_from_the_admin(client, administrator, customer):
    client.force_login(administrator)
    client.post(reverse("admin:privacy_legalhold_add"), {"customer": customer.pk, "reason": "Court order 7"})
    hold = LegalHold.objects.get()
    assert hold.set_by == administrator and hold.released_at is None
    client.post(reverse("admin:privacy_legalhold_changelist"), {"action": "release", "_selected_action": [hold.pk]})
    hold.refresh_from_db()
    assert hold.released_by == administrator


def test_a_dry_run_is_started_from_the_retention_runs_page(client, supervisor, django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:privacy_retentionrun_start"), {"mode": "dry"})
    run = RetentionRun.objects.get()
    assert run.dry_run and run.finished_at is not None and "closed_tickets" in run.report


def build(model: str, actor, n: int) -> None:
    customer = factories.CustomerFactory()
    if model == "legalhold":
        LegalHold.objects.create(customer=customer, reason="hold", set_by=actor)
    elif model == "erasurerequest":
        ErasureRequest.objects.create(customer=customer, customer_ref=customer.pk, requested_by=actor)
    elif model == "accessrequest":
        AccessRequest.objects.create(customer=customer, token=f"t{customer.pk}", requested_by=actor)
    elif model == "consentrecord":
        ConsentRecord.objects.create(
            customer=customer, purpose="surveys", channel="sms", granted=True, notice_version="1"
        )
    else:
        RetentionRun.objects.create(started_by=actor, report={"raw_email": {"due": n, "done": 0}})


@pytest.mark.parametrize("model", ["legalhold", "erasurerequest", "accessrequest", "consentrecord", "retentionrun"])
def test_privacy_changelists_do_not_grow_queries_with_rows(client, administrator, model):
    client.force_login(administrator)
    url = reverse(f"admin:privacy_{model}_changelist")
    counts = []
    for size in (1, 20):
        for n in range(size - (1 if counts else 0)):
            build(model, administrator, n)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
