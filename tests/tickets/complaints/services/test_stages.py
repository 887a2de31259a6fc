"""The complaint stage map: allowed and refused moves, the guards of each stage, due dates, the closed signal."""

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tickets.complaints import services
from tickets.complaints.models import (
    FINAL_STAGES,
    STAGE_TRANSITIONS,
    Complaint,
    RemedyKind,
    Stage,
)
from tickets.models import EventKind, TicketEvent
from tickets.signals import complaint_closed

pytestmark = pytest.mark.django_db

ALL_MOVES = [(source, target) for source in Stage.values for target in Stage.values if source != target]


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
