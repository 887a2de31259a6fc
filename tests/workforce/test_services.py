"""Staffing writes: expected events (validation, who may enter them) and roster shifts."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.workforce.history import at
from workforce import services
from workforce.models import ForecastEvent, ForecastEventKind, Shift

# Expected events: validation and who may enter them --------------------------------------


def launch(**fields) -> ForecastEvent:
    values = {
        "name": "Airdrop",
        "kind": ForecastEventKind.PROMOTION,
        "starts_at": at(date(2026, 6, 10), 9),
        "ends_at": at(date(2026, 6, 10), 18),
        "uplift_percent": 80,
    } | fields
    return ForecastEvent(**values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": at(date(2026, 6, 10), 9)}, "ends_at"),
        ({"ends_at": at(date(2026, 6, 9), 9)}, "ends_at"),
        ({"uplift_percent": 1001}, "uplift_percent"),
        ({"uplift_percent": -91}, "uplift_percent"),
        ({"name": ""}, "name"),
    ],
)
def test_an_event_with_a_bad_period_or_uplift_is_refused(supervisor, fields, field):
    with pytest.raises(ValidationError) as error:
        services.forecast_event_save(event=launch(**fields), actor=supervisor)

    assert field in error.value.message_dict
    assert not ForecastEvent.objects.exists()


@pytest.mark.django_db
def test_only_staffing_planners_enter_events(agent, supervisor):
    with pytest.raises(PermissionDenied):
        services.forecast_event_save(event=launch(), actor=agent)

    event = services.forecast_event_save(event=launch(uplift_percent=-90), actor=supervisor)
    assert (event.created_by, event.factor) == (supervisor, pytest.approx(0.1))


@pytest.mark.django_db
def test_a_shift_ends_after_it_starts(agent, team):
    with pytest.raises(ValidationError):
        services.shift_save(shift=Shift(agent=agent, team=team, weekday=0, start_hour=22, end_hour=6))
    assert not Shift.objects.exists()
