"""SMS and voice through a Twilio-compatible API (Twilio, or a provider that speaks its API).

Settings (settings.CONNECTORS["sms"]): `account_sid`, `auth_token`, `from_number` (E.164), `base_url`
(https://api.twilio.com), optionally `forward_to` (where the hotline rings: a number or SIP URI; the
call is recorded from answer) and `public_number` (the hotline customers call, for the verify page).

One webhook URL serves messages and calls: point the number's "A message comes in", "A call comes
in" and "Call status changes" (and the recording status callback) at /connectors/sms/webhook/. Every
request is signed: X-Twilio-Signature is base64(HMAC-SHA1(auth token, the full URL Twilio called +
each POST parameter name and value, sorted by name)). The URL is SITE_URL + the path and query, as
Twilio saw it. The answering agent is taken from an `agent` query parameter on the status callback
URL (the agent's username, added by the routing that connected the call).

ConsoleSmsConnector, for development only, logs what it would send (production settings refuse it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from datetime import datetime
from email.utils import parsedate_to_datetime
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tickets.connectors import http
from tickets.connectors.base import (
    CallDetails,
    Connector,
    InboundEvent,
    MalformedPayload,
    MediaRef,
    SignatureInvalid,
)
from tickets.connectors.models import InboundKind
from tickets.models import Channel

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "HTTP_X_TWILIO_SIGNATURE"


def twilio_signature(*, auth_token: str, url: str, params: dict[str, list[str]]) -> str:
    payload = url + "".join(name + value for name in sorted(params) for value in params[name])
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class TwilioConnector(Connector):
    channel = Channel.SMS

    def verify(self, request: HttpRequest) -> None:
        sent = request.META.get(SIGNATURE_HEADER, "")
        if not sent or request.content_type != "application/x-www-form-urlencoded":
            raise SignatureInvalid("X-Twilio-Signature is missing")
        url = settings.SITE_URL.rstrip("/") + request.get_full_path()
        expected = twilio_signature(auth_token=self.option("auth_token"), url=url, params=dict(request.POST.lists()))
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            raise SignatureInvalid("X-Twilio-Signature does not match")

    def parse(self, request: HttpRequest) -> list[InboundEvent]:
        data = request.POST
        if data.get("CallSid"):
            return [self._call_event(request)]
        sid, sender = data.get("MessageSid") or data.get("SmsSid"), data.get("From", "")
        if not sid or not sender:
            raise MalformedPayload("neither a message (MessageSid, From) nor a call (CallSid)")
        media = []
        try:
            count = int(data.get("NumMedia") or 0)
        except ValueError as error:
            raise MalformedPayload("NumMedia is not a number") from error
        for index in range(min(count, 10)):
            url = data.get(f"MediaUrl{index}", "")
            if url:
                media.append(MediaRef(url, f"mms-{index + 1}{_extension(data.get(f'MediaContentType{index}', ''))}"))
        return [
            InboundEvent(
                message_id=sid, kind=InboundKind.MESSAGE, handle=sender, text=data.get("Body", ""), media=tuple(media)
            )
        ]

    def _call_event(self, request: HttpRequest) -> InboundEvent:
        data = request.POST
        call_sid, status = data["CallSid"], data.get("CallStatus", "")
        inbound = data.get("Direction", "inbound") == "inbound"
        customer = data.get("From", "") if inbound else data.get("To", "")
        try:
            duration = int(data["CallDuration"]) if data.get("CallDuration") else None
        except ValueError as error:
            raise MalformedPayload("CallDuration is not a number") from error
        # Each callback of a call is its own delivery: the call record is updated by each.
        key = f"{call_sid}:{status}:{data.get('RecordingSid', '')}:{data.get('SequenceNumber', '')}"
        return InboundEvent(
            message_id=key[:128],
            kind=InboundKind.CALL,
            handle=customer,
            call=CallDetails(
                call_id=call_sid,
                status=status[:20],
                started_at=_call_time(data.get("Timestamp", "")),
                duration_seconds=duration,
                agent_hint=request.GET.get("agent", "")[:150],
                recording_url=data.get("RecordingUrl", "")[:500],
            ),
        )

    def webhook_response(self, events: list[InboundEvent]) -> HttpResponse:
        forward_to = str(self.options.get("forward_to") or "")
        ringing = any(event.call and event.call.status in ("ringing", "") for event in events)
        body = "<Response/>"
        if forward_to and ringing:
            body = f'<Response><Dial record="record-from-answer">{escape(forward_to)}</Dial></Response>'
        return HttpResponse('<?xml version="1.0" encoding="UTF-8"?>' + body, content_type="text/xml")

    def send(self, *, recipient: str, text: str, idempotency_key: str) -> str:
        sid = self.option("account_sid")
        response = http.call(
            "POST",
            f"{self.option('base_url').rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json",
            data={"To": recipient, "From": self.option("from_number"), "Body": text[:1600]},
            auth=(sid, self.option("auth_token")),
            headers={"I-Twilio-Idempotency-Token": idempotency_key},
        )
        try:
            return str(response.json()["sid"])
        except (ValueError, KeyError, TypeError) as error:
            raise http.ProviderError("answer without a message sid", retryable=False) from error

    def download(self, media: MediaRef) -> bytes:
        # Media URLs are on the provider's host and need the account's credentials.
        return http.call("GET", media.file_id, auth=(self.option("account_sid"), self.option("auth_token"))).content

    def official_contacts(self) -> list[tuple[str, str, str]]:
        contacts = [("phone", self.option("from_number"), "Official SMS number")]
        public = str(self.options.get("public_number") or "")
        if public:
            contacts.append(("phone", public, "Support hotline"))
        return contacts


class ConsoleSmsConnector(TwilioConnector):
    """Development only: the text goes to the log instead of a phone (production settings refuse this class)."""

    def send(self, *, recipient: str, text: str, idempotency_key: str) -> str:
        logger.info("SMS to %s: %s", recipient, text)
        return f"console-{idempotency_key}"

    def download(self, media: MediaRef) -> bytes:
        raise http.ProviderError("the console connector cannot fetch media", retryable=False)


def _extension(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "application/pdf": ".pdf"}.get(
        content_type, ""
    )


def _call_time(value: str) -> datetime | None:
    if not value:
        return timezone.now()
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return timezone.now()
