"""Complaint workflow services: the stage map, guards, four-eyes approval and the remedy ledger."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tickets import services as ticket_services
from tickets.complaints import services
from tickets.complaints.models import (
    FINAL_STAGES,
    STAGE_TRANSITIONS,
    Complaint,
    ComplaintSubject,
    RemedyKind,
    RemedyStatus,
    Stage,
)
from tickets.models import Category, EventKind, Status, TicketEvent
from tickets.signals import complaint_closed

pytestmark = pytest.mark.django_db

ALL_MOVES = [(source, target) for source in Stage.values for target in Stage.values if source != target]


@pytest.fixture
def complaint(ticket, agent):
    """Alice's complaint with an approved explanation and a resolution text, so every guard can pass."""
    opened = factories.complaint(ticket=ticket, actor=agent, stage=Stage.INVESTIGATION)
    services.remedy_propose(complaint=opened, kind=RemedyKind.EXPLANATION, actor=agent, description="Gas spike.")
    return services.complaint_update(complaint=opened, actor=agent, resolution_summary=factories.RESOLUTION_TEXT)


def at_stage(complaint: Complaint, stage: str) -> Complaint:
    # Test set-up only: put the row at a stage without walking the whole path.
    Complaint.objects.filter(pk=complaint.pk).update(stage=stage)
    complaint.refresh_from_db()
    return complaint


@pytest.mark.parametrize(("source", "target"), [move for move in ALL_MOVES if move[1] in STAGE_TRANSITIONS[move[0]]])
def test_an_allowed_move_changes_the_stage_and_leaves_an_event_with_actor_and_reason(
    complaint, agent, source, target, django_capture_on_commit_callbacks
):
    at_stage(complaint, source)

    with django_capture_on_commit_callbacks():
        moved = services.complaint_change_stage(complaint=complaint, stage=target, actor=agent, reason="per policy")

    assert moved.stage == target
    event = TicketEvent.objects.filter(ticket=complaint.ticket, kind=EventKind.COMPLAINT_STAGE).last()
    assert (event.actor, event.before, event.after, event.note) == (agent, source, target, "per policy")
    assert (moved.closed_at is not None) == (target in FINAL_STAGES)


@pytest.mark.parametrize(
    ("source", "target"), [move for move in ALL_MOVES if move[1] not in STAGE_TRANSITIONS[move[0]]]
)
def test_a_move_outside_the_map_is_refused_and_changes_nothing(complaint, agent, source, target):
    at_stage(complaint, source)
    events_before = TicketEvent.objects.count()

    with pytest.raises(ValidationError) as error:
        services.complaint_change_stage(complaint=complaint, stage=target, actor=agent, reason="try")

    assert factories.error_codes(error.value) == {services.ERROR_INVALID_STAGE_TRANSITION}
    complaint.refresh_from_db()
    assert complaint.stage == source
    assert TicketEvent.objects.count() == events_before


def test_withdrawing_needs_a_reason(complaint, agent):
    with pytest.raises(ValidationError) as error:
        services.complaint_change_stage(complaint=complaint, stage=Stage.WITHDRAWN, actor=agent)

    assert factories.error_codes(error.value) == {services.ERROR_REASON_REQUIRED}


def test_a_resolution_cannot_be_proposed_without_a_remedy(ticket, agent):
    opened = factories.complaint(ticket=ticket, actor=agent, stage=Stage.INVESTIGATION)

    with pytest.raises(ValidationError) as error:
        services.complaint_change_stage(complaint=opened, stage=Stage.RESOLUTION_PROPOSED, actor=agent)

    assert factories.error_codes(error.value) == {services.ERROR_NO_REMEDY}


def test_a_resolution_cannot_be_communicated_while_a_remedy_awaits_approval(complaint, agent):
    services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=500, asset="USDT")
    services.complaint_change_stage(complaint=complaint, stage=Stage.RESOLUTION_PROPOSED, actor=agent)

    with pytest.raises(ValidationError) as error:
        services.complaint_change_stage(complaint=complaint, stage=Stage.AWAITING_CONFIRMATION, actor=agent)

    assert factories.error_codes(error.value) == {services.ERROR_APPROVAL_PENDING}


def test_the_due_date_follows_the_stage(complaint, agent, settings):
    at_stage(complaint, Stage.REOPENED)

    moved = services.complaint_change_stage(complaint=complaint, stage=Stage.INVESTIGATION, actor=agent)

    hours = settings.COMPLAINT_STAGE_DUE_HOURS["investigation"]
    assert (moved.stage_due_at - moved.stage_entered_at).total_seconds() == hours * 3600


def test_closing_sends_complaint_closed_after_commit(complaint, agent, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs["complaint_id"], kwargs["ticket_id"], kwargs["stage"]))

    complaint_closed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.complaint_change_stage(complaint=complaint, stage=Stage.WITHDRAWN, actor=agent, reason="dup")
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        complaint_closed.disconnect(receiver)

    assert received == [(Complaint, complaint.pk, complaint.ticket_id, Stage.WITHDRAWN)]


# Opening --------------------------------------------------------------------


def test_an_agent_turns_a_ticket_into_a_complaint(ticket, agent):
    opened = services.complaint_open(
        ticket=ticket, subject=ComplaintSubject.SLOW_RESPONSE, actor=agent, severity="high", reason="angry call"
    )

    assert (opened.stage, opened.severity, opened.subject) == (Stage.INTAKE, "high", "slow_response")
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.COMPLAINT)
    assert (event.actor, event.after, event.note) == (agent, "slow_response", "angry call")


def test_a_ticket_becomes_a_complaint_only_once(ticket, agent):
    services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=agent)

    with pytest.raises(ValidationError) as error:
        services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=agent)

    assert factories.error_codes(error.value) == {services.ERROR_ALREADY_A_COMPLAINT}


def test_a_closed_ticket_cannot_become_a_complaint(ticket, agent):
    ticket_services.ticket_change_status(ticket=ticket, status=Status.CLOSED, actor=agent)

    with pytest.raises(ValidationError) as error:
        services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=agent)

    assert factories.error_codes(error.value) == {services.ERROR_TICKET_CLOSED}


def test_an_agent_of_another_team_and_another_customer_cannot_open_a_complaint(ticket, other_agent, other_customer):
    with pytest.raises(PermissionDenied):
        services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=other_agent)
    with pytest.raises(PermissionDenied):
        services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=other_customer.user)
    assert not Complaint.objects.exists()


def test_a_customer_files_a_complaint_on_a_new_request_in_the_complaint_category(customer):
    filed = services.complaint_file(
        user=customer.user,
        subject=ComplaintSubject.AGENT_BEHAVIOUR,
        title="Rude agent on chat",
        body="The agent hung up on me.",
        desired_outcome="An apology",
    )

    assert filed.ticket.customer == customer
    assert filed.ticket.category == Category.objects.get(slug="complaint")
    assert filed.ticket.messages.get().body == "The agent hung up on me."
    assert filed.desired_outcome == "An apology"


def test_a_customer_files_a_complaint_about_an_existing_request(customer, ticket):
    filed = services.complaint_file(
        user=customer.user,
        subject=ComplaintSubject.SLOW_RESPONSE,
        title="",
        body="Three days and no answer.",
        ticket=ticket,
    )

    assert filed.ticket == ticket
    assert ticket.messages.last().body == "Three days and no answer."


def test_a_customer_cannot_file_a_complaint_about_someone_elses_request(customer, other_ticket):
    with pytest.raises(PermissionDenied):
        services.complaint_file(
            user=customer.user, subject=ComplaintSubject.FEES, title="", body="x", ticket=other_ticket
        )


# Details --------------------------------------------------------------------


def test_findings_are_recorded_with_one_event_per_changed_field(complaint, agent, team):
    evidence = complaint.ticket.messages.first()

    services.complaint_update(
        complaint=complaint,
        actor=agent,
        findings="Fee was 10x the usual because of a bug in the fee estimator.",
        root_cause="software_bug",
        responsible_team=team,
        company_at_fault=True,
        evidence_messages=[evidence],
        evidence_tx_hash="0xabc",
    )

    complaint.refresh_from_db()
    assert (complaint.root_cause, complaint.company_at_fault, complaint.responsible_team) == (
        "software_bug",
        True,
        team,
    )
    assert list(complaint.evidence_messages.all()) == [evidence]
    notes = set(TicketEvent.objects.filter(kind=EventKind.COMPLAINT_UPDATE).values_list("note", flat=True))
    assert {"findings", "root cause", "responsible team", "company at fault", "evidence: messages"} <= notes


def test_evidence_must_come_from_the_complaints_own_ticket(complaint, agent, other_ticket):
    with pytest.raises(ValidationError) as error:
        services.complaint_update(complaint=complaint, actor=agent, evidence_messages=[other_ticket.messages.first()])

    assert factories.error_codes(error.value) == {services.ERROR_EVIDENCE_OTHER_TICKET}


# Remedies and four-eyes -----------------------------------------------------


def test_money_above_the_threshold_waits_for_approval_and_below_it_is_approved(complaint, agent):
    big = services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=150, asset="usdt")
    small = services.remedy_propose(
        complaint=complaint, kind=RemedyKind.COMPENSATION, actor=agent, amount=Decimal("100"), asset="USDT"
    )

    assert (big.status, big.needs_approval, big.asset) == (RemedyStatus.PENDING_APPROVAL, True, "USDT")
    assert (small.status, small.needs_approval) == (RemedyStatus.APPROVED, False)


def test_an_asset_without_a_threshold_always_needs_approval(complaint, agent):
    remedy = services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=1, asset="DOGE")

    assert remedy.status == RemedyStatus.PENDING_APPROVAL


def test_the_threshold_is_configurable(complaint, agent, settings):
    settings.COMPLAINT_REMEDY_APPROVAL_THRESHOLDS = {"USDT": "1000"}

    remedy = services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=500, asset="USDT")

    assert remedy.status == RemedyStatus.APPROVED


@pytest.mark.parametrize(
    ("kind", "amount", "asset", "code"),
    [
        (RemedyKind.REFUND, None, "USDT", services.ERROR_AMOUNT_REQUIRED),
        (RemedyKind.REFUND, 10, "", services.ERROR_AMOUNT_REQUIRED),
        (RemedyKind.COMPENSATION, -5, "USDT", services.ERROR_INVALID_AMOUNT),
        (RemedyKind.FEE_WAIVER, "abc", "USDT", services.ERROR_INVALID_AMOUNT),
        (RemedyKind.EXPLANATION, 10, "USDT", services.ERROR_AMOUNT_NOT_ALLOWED),
    ],
)
def test_bad_remedy_amounts_are_field_errors(complaint, agent, kind, amount, asset, code):
    with pytest.raises(ValidationError) as error:
        services.remedy_propose(complaint=complaint, kind=kind, actor=agent, amount=amount, asset=asset)

    assert factories.error_codes(error.value) == {code}
    assert complaint.remedies.count() == 1


def test_remedies_are_proposed_only_while_investigating(ticket, agent):
    opened = factories.complaint(ticket=ticket, actor=agent)

    with pytest.raises(ValidationError) as error:
        services.remedy_propose(complaint=opened, kind=RemedyKind.BUG_FIX, actor=agent)

    assert factories.error_codes(error.value) == {services.ERROR_REMEDY_STAGE}


@pytest.fixture
def pending(complaint, supervisor):
    return services.remedy_propose(
        complaint=complaint, kind=RemedyKind.COMPENSATION, actor=supervisor, amount=300, asset="USDT"
    )


def test_the_proposer_cannot_approve_their_own_remedy(pending, supervisor):
    with pytest.raises(ValidationError) as error:
        services.remedy_approve(remedy=pending, actor=supervisor, reason="looks fine")

    assert factories.error_codes(error.value) == {services.ERROR_SAME_APPROVER}
    pending.refresh_from_db()
    assert pending.status == RemedyStatus.PENDING_APPROVAL


def test_an_agent_without_the_permission_cannot_approve(pending, agent):
    with pytest.raises(PermissionDenied):
        services.remedy_approve(remedy=pending, actor=agent, reason="fine")


def test_another_supervisor_approves_with_a_reason_on_the_timeline(pending, team):
    second = factories.supervisor(teams=[team], username="second-supervisor")

    approved = services.remedy_approve(remedy=pending, actor=second, reason="within policy for a fee bug")

    assert (approved.status, approved.decided_by, approved.decision_reason) == (
        RemedyStatus.APPROVED,
        second,
        "within policy for a fee bug",
    )
    event = TicketEvent.objects.filter(kind=EventKind.REMEDY).last()
    assert (event.actor, event.before, event.after) == (second, "pending_approval", "approved")
    assert "within policy for a fee bug" in event.note


def test_a_rejection_needs_a_reason_and_is_recorded(pending, team):
    second = factories.supervisor(teams=[team], username="second-supervisor")

    with pytest.raises(ValidationError) as error:
        services.remedy_reject(remedy=pending, actor=second, reason="  ")
    rejected = services.remedy_reject(remedy=pending, actor=second, reason="customer error, no compensation")

    assert factories.error_codes(error.value) == {services.ERROR_REASON_REQUIRED}
    assert (rejected.status, rejected.decision_reason) == (RemedyStatus.REJECTED, "customer error, no compensation")


def test_a_decided_remedy_cannot_be_decided_again(pending, team):
    second = factories.supervisor(teams=[team], username="second-supervisor")
    services.remedy_approve(remedy=pending, actor=second, reason="ok")

    with pytest.raises(ValidationError) as error:
        services.remedy_reject(remedy=pending, actor=second, reason="changed my mind")

    assert factories.error_codes(error.value) == {services.ERROR_REMEDY_NOT_PENDING}


def test_an_approved_money_remedy_is_marked_paid_once(pending, team, supervisor):
    second = factories.supervisor(teams=[team], username="second-supervisor")
    services.remedy_approve(remedy=pending, actor=second, reason="ok")

    paid = services.remedy_mark_paid(remedy=pending, actor=supervisor, payment_reference="0xfeed")
    with pytest.raises(ValidationError) as error:
        services.remedy_mark_paid(remedy=pending, actor=supervisor)

    assert (paid.status, paid.paid_by, paid.payment_reference) == (RemedyStatus.PAID, supervisor, "0xfeed")
    assert factories.error_codes(error.value) == {services.ERROR_REMEDY_NOT_PAYABLE}
