"""Formatting for report figures: a missing figure (nothing to divide) reads "—", never 0."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from feedback.reports import DIMENSION_LABELS

register = template.Library()
MISSING = "—"


@register.filter
def percent(value: float | None) -> str:
    return MISSING if value is None else f"{value:.1f}%"


@register.filter
def score(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def dimension_names(dimensions: list[str]) -> str:
    return ", ".join(str(DIMENSION_LABELS[dimension]) for dimension in dimensions)


@register.filter
def duration(value: timedelta | None) -> str:
    if value is None:
        return MISSING
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}
