"""Remedies: thresholds and four-eyes approval, the remedy ledger."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tickets.complaints import services
from tickets.complaints.models import (
    RemedyKind,
    RemedyStatus,
    Stage,
)
from tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db


def test_money_above_the_threshold_waits_for_approval_and_below_it_is_approved(complaint, agent):
    small = services.remedy_propose(
        complaint=complaint, kind=RemedyKind.COMPENSATION, actor=agent, amount=Decimal("100"), asset="USDT"
    )
    big = services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=150, asset="usdt")

    assert (big.status, big.needs_approval, big.asset) == (RemedyStatus.PENDING_APPROVAL, True, "USDT")
    assert (small.status, small.needs_approval) == (RemedyStatus.APPROVED, False)


def test_splitting_a_refund_into_lines_under_the_threshold_still_needs_approval(complaint, agent):
    lines = [
        services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=60, asset="USDT")
        for _ in range(3)
    ]

    assert [line.status for line in lines] == [
        RemedyStatus.APPROVED,
        RemedyStatus.PENDING_APPROVAL,
        RemedyStatus.PENDING_APPROVAL,
    ]
    assert [line.needs_approval for line in lines] == [False, True, True]


def test_a_rejected_line_does_not_count_towards_the_running_total(complaint, agent):
    first = services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=80, asset="USDT")
    services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=80, asset="USDT")
    services.remedy_reject(
        remedy=complaint.remedies.get(status=RemedyStatus.PENDING_APPROVAL),
        actor=factories.supervisor(),
        reason="Duplicate line.",
    )

    other_asset = services.remedy_propose(
        complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=Decimal("0.001"), asset="BTC"
    )
    third = services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=20, asset="USDT")

    assert first.status == RemedyStatus.APPROVED
    assert (other_asset.status, third.status) == (RemedyStatus.APPROVED, RemedyStatus.APPROVED)


def test_lines_on_several_complaints_of_one_customer_add_up_over_the_window(complaint, agent, settings):
    second_complaint = factories.complaint(
        ticket=factories.ticket(customer=complaint.ticket.customer, team=complaint.ticket.team),
        actor=agent,
        stage=Stage.INVESTIGATION,
    )
    services.remedy_propose(complaint=complaint, kind=RemedyKind.REFUND, actor=agent, amount=70, asset="USDT")

    second = services.remedy_propose(
        complaint=second_complaint, kind=RemedyKind.COMPENSATION, actor=agent, amount=70, asset="USDT"
    )
    settings.COMPLAINT_REMEDY_CUSTOMER_WINDOW_DAYS = 0
    outside_window = services.remedy_propose(
        complaint=second_complaint, kind=RemedyKind.FEE_WAIVER, actor=agent, amount=10, asset="USDT"
    )

    assert second.status == RemedyStatus.PENDING_APPROVAL
    # The window no longer reaches the first complaint; this complaint's own total (70 + 10) counts.
    assert outside_window.status == RemedyStatus.APPROVED


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
