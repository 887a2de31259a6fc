"""Staffing writes: the shift roster, and the expected events a manager enters to lift the forecast."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from workforce.models import STAFFING_PERMISSION, ForecastEvent, Shift


@transaction.atomic
def forecast_event_save(*, event: ForecastEvent, actor) -> ForecastEvent:
    """Create or edit an expected event; the model validates the period and the uplift range.

    Only staffing planners (workforce.plan_staffing) may; the creator is recorded once.
    """
    if not actor.has_perm(STAFFING_PERMISSION):
        raise PermissionDenied(_("Only staffing planners can enter expected events."))
    if event.pk is None:
        event.created_by = actor
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def shift_save(*, shift: Shift) -> Shift:
    """Create or edit a roster shift; hours are validated by the model (start before end, within the day)."""
    shift.full_clean()
    shift.save()
    return shift
