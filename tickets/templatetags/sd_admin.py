from django import template
from django.utils.safestring import SafeString, mark_safe

from supportdesk.kit.choices import Language
from supportdesk.kit.text import sanitise_html
from tickets.complaints.models import ComplaintSubject, RemedyStatus, Stage
from tickets.models import Channel, ClockState, EventKind, Priority, SLAClock, Status, Tier

register = template.Library()

_EVENT_VALUE_LABELS = {
    EventKind.STATUS: (Status,),
    EventKind.PRIORITY: (Priority,),
    EventKind.TIER: (Tier,),
    EventKind.LANGUAGE: (Language,),
    EventKind.CREATED: (Channel,),
    EventKind.COMPLAINT: (ComplaintSubject,),
    EventKind.COMPLAINT_STAGE: (Stage,),
    EventKind.REMEDY: (RemedyStatus,),
    # SLA events: before = the clock, after = its new state
    EventKind.SLA_WARNING: (SLAClock, ClockState),
    EventKind.SLA_BREACH: (SLAClock, ClockState),
}


@register.filter
def event_label(value: str, kind: str) -> str:
    """Human label for a code stored in an event ("pending_customer" → "Pending customer")."""
    for choices in _EVENT_VALUE_LABELS.get(kind, ()):
        if value in choices.values:
            return choices(value).label
    return value


@register.filter
def sanitised_html(value: str) -> SafeString:
    # Sanitised again at render time: the stored copy is clean, but the allow-list may have tightened since.
    return mark_safe(sanitise_html(value))  # noqa: S308
