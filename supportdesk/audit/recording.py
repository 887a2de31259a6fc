"""Noting reads during a request and writing them once, after the response is built.

A view calls `audit_read(request, obj)` for every record it shows; nothing touches the database
then. `AuditMiddleware` calls `audit_flush` when the view has returned: one bulk INSERT per page,
however many records were noted, and no SELECT (the actor is the request's user, the object is
described from the instance in hand).
"""

from __future__ import annotations

from django.http import HttpRequest

from supportdesk.audit.models import AuditAction, AuditEntry
from supportdesk.kit.client_ip import UNKNOWN, client_ip

REQUEST_ATTRIBUTE = "audit_entries"


def client_address(request: HttpRequest) -> str | None:
    # The address every rate limit uses: X-Forwarded-For only as far as TRUSTED_PROXIES wrote it.
    address = client_ip(request)
    return None if address == UNKNOWN else address


def _django_request(request) -> HttpRequest:
    """DRF wraps the HttpRequest; the entries live on the one the middleware sees."""
    return getattr(request, "_request", request)


def audit_read(
    request, obj=None, *, action: str = AuditAction.VIEW, object_type: str = "", object_id="", label: str = ""
) -> None:
    """Note that the request's user saw `obj` (or the object named by type and id); written on flush.

    `label` describes the object for the log (default str(obj)); pass it when str() would query.
    """
    http_request = _django_request(request)
    user = getattr(http_request, "user", None)
    entry = AuditEntry(
        actor=user if user is not None and user.is_authenticated else None,
        action=action,
        object_type=object_type or obj._meta.label_lower,
        object_id=str(object_id or (obj.pk if obj is not None else ""))[:64],
        object_repr=(label or (str(obj) if obj is not None else ""))[:200],
        ip_address=client_address(http_request),
        path=http_request.path[:255],
    )
    http_request.__dict__.setdefault(REQUEST_ATTRIBUTE, []).append(entry)


def audit_flush(request: HttpRequest) -> int:
    """Write what the request noted, in one INSERT. Returns how many entries were written."""
    entries = request.__dict__.pop(REQUEST_ATTRIBUTE, [])
    if len(entries) == 1:
        # One row needs no transaction: bulk_create would add a BEGIN and a COMMIT around the INSERT.
        entries[0].save(force_insert=True)
    elif entries:
        AuditEntry.objects.bulk_create(entries)
    return len(entries)


class ReadAuditAdminMixin:
    """A ModelAdmin whose change page (the record's detail view) is logged as a read."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            audit_read(request, obj, label=self.audit_label(obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def audit_label(self, obj) -> str:
        return str(obj)
