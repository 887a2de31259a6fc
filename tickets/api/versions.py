"""Optimistic concurrency in the API: the version a client read, sent back with a change.

A staff client reads `version` from a ticket (or its ETag) and sends it with a reply, a status change or
an assignment, as the `version` field or the If-Match header. A ticket changed since is refused with
409 and the list of changes (tickets.services.versions); sending the returned `version` sends anyway.
Without either, nothing is checked (clients written before versions keep working).
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from supportdesk.kit.api_schema import ErrorOutput
from tickets.models import Ticket
from tickets.services import StaleTicketError
from tickets.versions import version_token

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=_("The ticket's version (or ETag) the change is based on; a newer ticket answers 409."),
)
STALE_RESPONSE = {
    409: OpenApiResponse(ErrorOutput, description=_("The ticket changed since the given version: what changed."))
}


def ticket_etag(ticket: Ticket, is_staff: bool) -> str:
    version = f"{ticket.pk}:{ticket.updated_at.isoformat()}:{int(is_staff)}"
    return '"' + hashlib.sha256(version.encode()).hexdigest()[:32] + '"'


def expected_version(request, ticket: Ticket, data: dict) -> str | None:
    """The version the client based its change on: the field, else If-Match (a version or the ticket's ETag)."""
    if data.get("version"):
        return data["version"]
    header = request.headers.get("If-Match")
    if not header:
        return None
    # The ETag of the ticket as it is now stands for its current version (the service re-checks under lock).
    return version_token(ticket) if header == ticket_etag(ticket, True) else header


def stale_response(error: StaleTicketError) -> Response:
    body = {
        "status": status.HTTP_409_CONFLICT,
        "code": error.code,
        "message": " ".join(error.messages),
        "changes": error.changes,
        "version": error.current_version,
    }
    return Response({"error": body}, status=status.HTTP_409_CONFLICT)
