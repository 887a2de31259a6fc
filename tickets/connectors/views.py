"""The channel webhooks: public, exempt from CSRF only, and signature-checked before anything is read or stored.

/connectors/<name>/webhook/: 404 for a connector that is not configured, 429 past the webhook budget
(ACCOUNT_RATE_LIMITS["connector_webhook"]), 403 for a bad signature (nothing stored), 400 for an
authenticated delivery that is too large or unreadable (quarantined: nothing lost), 200 otherwise
(a replayed delivery too: the provider must stop retrying).
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tickets.connectors.base import MalformedPayload, SignatureInvalid, connector
from tickets.connectors.services import channel_delivery_quarantine, channel_event_receive

WEBHOOK_ACTION = "connector_webhook"


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, name: str) -> HttpResponse:
    provider = connector(name)
    if provider is None:
        raise Http404("No such channel.")
    if not ratelimit.consume(request, action=WEBHOOK_ACTION):
        return _plain("Too many requests.", 429)
    try:
        provider.verify(request)
        raw = request.body
    except SignatureInvalid:
        return _plain("Bad signature.", 403)
    except RequestDataTooBig:
        return _plain("Payload too large.", 400)
    if len(raw) > settings.CONNECTOR_MAX_PAYLOAD_BYTES:
        channel_delivery_quarantine(connector_name=name, raw=raw, reason=f"payload too large: {len(raw)} bytes")
        return _plain("Payload too large.", 400)
    try:
        events = provider.parse(request)
    except MalformedPayload as error:
        channel_delivery_quarantine(connector_name=name, raw=raw, reason=f"malformed: {error}")
        return _plain(f"Malformed payload: {error}", 400)
    for event in events:
        channel_event_receive(connector=provider, event=event, raw=raw)
    return provider.webhook_response(events) or HttpResponse(status=200)
