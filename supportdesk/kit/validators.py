"""Small checks every app's services and models share: field errors with codes, choices, time zones."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ERROR_INVALID_CHOICE = "invalid_choice"
ERROR_UNKNOWN_TIME_ZONE = "unknown_time_zone"


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A ValidationError on one field that keeps its code."""
    # ValidationError({field: message}, code=...) silently drops the code: it must sit on the inner error.
    return ValidationError({field: ValidationError(message, code=code)})


def check_choice(value: str, choices, field: str) -> str:
    """`value` if it is one of the TextChoices/IntegerChoices `choices`, else a field error (invalid_choice)."""
    if value not in choices.values:
        raise field_error(field, _("Unknown value: %(value)s.") % {"value": value}, ERROR_INVALID_CHOICE)
    return value


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(value: str) -> bool:
    return value in known_time_zones()


def validate_time_zone(value: str) -> None:
    """Model-field validator: an IANA time-zone name (blank is left to the field's `blank` option)."""
    if value and not is_time_zone(value):
        raise ValidationError(
            gettext_lazy("Unknown time zone: %(zone)s"), params={"zone": value}, code=ERROR_UNKNOWN_TIME_ZONE
        )
