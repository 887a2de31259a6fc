from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from feedback.models import SurveyResponse
from privacy.models import ErasureRequest, ErasureStatus, ErasureStep
from privacy.services import erasure
from privacy.services.holds import legal_hold_release, legal_hold_set
from supportdesk.audit.models import AuditEntry
from tests import factories, leaks
from tests.privacy.conftest import build_person
from tickets.complaints.models import Remedy
from tickets.models import Attachment, Customer, Ticket, TicketMessage

pytestmark = pytest.mark.django_db(transaction=False)


def erase(person, *, supervisor):
    request = erasure.erasure_request(customer=person.customer, actor=supervisor, reason="Customer asked by email")
    return erasure.erasure_confirm(request=request, typed_email=person.customer.email, actor=supervisor)


def test_an_erasure_leaves_none_of_the_customers_identifying_values_in_any_table_or_file(
    person, bystander, supervisor, django_capture_on_commit_callbacks
):
    stored_files = [a.file.name for a in Attachment.objects.filter(message__ticket__customer=person.customer)]
    assert leaks.leaks(person.needles, folders=[Path(settings.PRIVATE_MEDIA_ROOT)])  # the scan sees them before

    with django_capture_on_commit_callbacks(execute=True):
        request = erase(person, supervisor=supervisor)

    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert leaks.leaks(person.needles, folders=[Path(settings.PRIVATE_MEDIA_ROOT)]) == []
    assert not any(default_storage.exists(name) for name in stored_files)
    # The bystander's data is untouched.
    assert sorted(leaks.leaks(bystander.needles)) != []
    assert Customer.objects.get(pk=bystander.customer.pk).name == "Yeltina Quokkason"


def test_what_the_law_and_the_statistics_need_is_kept_and_the_certificate_says_what_went(person, supervisor):
    request = erase(person, supervisor=supervisor)
    request = erasure.erasure_run(request_id=request.pk)

    tickets = Ticket.objects.filter(customer=person.customer)
    assert tickets.count() == 2 and set(tickets.values_list("subject", flat=True)) == {erasure.ERASED}
    assert TicketMessage.objects.filter(ticket__in=tickets).count() == 3
    remedy = Remedy.objects.get(complaint__ticket=person.tickets[0])
    assert remedy.amount == 12 and remedy.description == erasure.ERASED
    response = SurveyResponse.objects.get(invitation__customer=person.customer)
    assert response.overall == 5 and response.comment == ""
    entry = AuditEntry.objects.get(object_type="tickets.customer", object_id=str(person.customer.pk))
    assert entry.object_repr == erasure.ERASED and entry.actor_id is not None
    user = person.customer.user
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    assert request.certificate["customer_id"] == person.customer.pk
    assert request.certificate["erased"]["attachments"] == 1
    assert request.certificate["erased"]["tickets"] == 2
    assert request.certificate["confirmed_by"] == "supervisor"
    assert [step.name for step in request.steps.all()] == [name for name, _ in erasure.STEPS]


def snapshot(customer_pk: int) -> dict:
    """The erased customer's records, with ids and times left out: what two erasures must agree on."""
    customer = Customer.objects.get(pk=customer_pk)
    tickets = Ticket.objects.filter(customer=customer).order_by("pk")
    return {
        "customer": (customer.name, customer.email.replace(str(customer_pk), "N"), customer.phone, customer.notes),
        "wallets": customer.wallet_addresses.count(),
        "tickets": list(tickets.values_list("subject", "tx_hash", "status")),
        "messages": list(
            TicketMessage.objects.filter(ticket__in=tickets).order_by("pk").values_list("body", "author_kind")
        ),
        "attachments": Attachment.objects.filter(message__ticket__in=tickets).count(),
        "audit": list(
            AuditEntry.objects.filter(object_type="tickets.customer", object_id=str(customer_pk)).values_list(
                "object_repr", flat=True
            )
        ),
        "user": (customer.user.is_active, customer.user.email) if customer.user else None,
        "steps": list(ErasureStep.objects.filter(request__customer_ref=customer_pk).values_list("name", "count")),
    }


class Crash(BaseException):
    """Stands for the worker being killed: not an Exception, so nothing on the way catches it."""


@pytest.mark.parametrize("crash_at", ["attachments", "surveys", "account", "customer"])
def test_an_erasure_killed_midway_resumes_and_ends_in_the_same_state_as_one_that_was_not(
    agent, supervisor, monkeypatch, crash_at
):
    calm = build_person(label="calm", agent=agent)
    crashed = build_person(label="kill", agent=agent)
    erasure.erasure_run(request_id=erase(calm, supervisor=supervisor).pk)

    request = erase(crashed, supervisor=supervisor)
    steps = dict(erasure.STEPS)
    original = steps[crash_at]

    def work_then_die(subject):
        original(subject)  # the step's writes happen ...
        raise Crash  # ... and the process dies before its transaction commits

    monkeypatch.setattr(
        erasure, "STEPS", [(name, work_then_die if name == crash_at else step) for name, step in erasure.STEPS]
    )
    with pytest.raises(Crash):
        erasure.erasure_run(request_id=request.pk)
    done_before = set(ErasureStep.objects.filter(request=request).values_list("name", flat=True))
    assert crash_at not in done_before
    monkeypatch.undo()

    # The scheduled sweep finds the interrupted request (RUNNING: the worker died) and finishes it.
    assert erasure.erasures_resume() == 1
    request.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    expected, actual = snapshot(calm.customer.pk), snapshot(crashed.customer.pk)
    assert actual == expected
    assert leaks.database_leaks(crashed.needles) == []
    # Running it again changes nothing.
    assert erasure.erasure_run(request_id=request.pk) is None
    assert snapshot(crashed.customer.pk) == expected


def test_a_legal_hold_stops_an_erasure_at_every_stage(person, supervisor, administrator):
    hold = legal_hold_set(ticket=person.tickets[1], reason="Regulator inquiry 42", actor=administrator)
    with pytest.raises(ValidationError) as refused:
        erasure.erasure_request(customer=person.customer, actor=supervisor)
    assert factories.error_codes(refused.value) == {erasure.ERROR_HELD}

    legal_hold_release(hold=hold, actor=administrator)
    request = erasure.erasure_request(customer=person.customer, actor=supervisor)
    legal_hold_set(customer=person.customer, reason="Court order", actor=administrator)
    with pytest.raises(ValidationError) as refused:
        erasure.erasure_confirm(request=request, typed_email=person.customer.email, actor=supervisor)
    assert factories.error_codes(refused.value) == {erasure.ERROR_HELD}
    assert Customer.objects.get(pk=person.customer.pk).name == "Zorbina Quokkason"


def test_an_erasure_needs_a_recent_identity_verification_and_the_typed_address(agent, supervisor):
    unverified = build_person(label="anon", agent=agent, verified=False)
    with pytest.raises(ValidationError) as refused:
        erasure.erasure_request(customer=unverified.customer, actor=supervisor)
    assert factories.error_codes(refused.value) == {erasure.ERROR_NOT_VERIFIED}

    verified = build_person(label="veri", agent=agent)
    request = erasure.erasure_request(customer=verified.customer, actor=supervisor)
    with pytest.raises(ValidationError) as refused:
        erasure.erasure_confirm(request=request, typed_email="someone@else.org", actor=supervisor)
    assert factories.error_codes(refused.value) == {erasure.ERROR_WRONG_CONFIRMATION}
    assert ErasureRequest.objects.get(pk=request.pk).status == ErasureStatus.AWAITING_CONFIRMATION
    with pytest.raises(ValidationError) as refused:
        erasure.erasure_request(customer=verified.customer, actor=supervisor)
    assert factories.error_codes(refused.value) == {erasure.ERROR_ALREADY_OPEN}


def test_agents_may_neither_request_nor_confirm_an_erasure(person, agent, supervisor):
    with pytest.raises(PermissionDenied):
        erasure.erasure_request(customer=person.customer, actor=agent)
    request = erasure.erasure_request(customer=person.customer, actor=supervisor)
    with pytest.raises(PermissionDenied):
        erasure.erasure_confirm(request=request, typed_email=person.customer.email, actor=agent)
