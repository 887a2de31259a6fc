"""The chat widget's HTTP side: its texts, starting a chat, attachments (the socket carries everything else).

The widget runs on our portal and help centre and, embedded, on wallet sites listed in
CHAT_EMBED_ORIGINS. Requests that change something must come from one of those origins (the Origin
header browsers send); answers to a listed foreign origin carry its CORS header. A chat's key, given
once to the browser that started it, is what lets that browser use the chat.
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tickets.chat import selectors, services
from tickets.models import Attachment
from tickets.views import attachment_response

CHAT_START_ACTION = "chat_start"


def _origin_allowed(request: HttpRequest) -> str | None:
    """The request's Origin if it is ours or an embedding site's; None otherwise."""
    origin = request.headers.get("Origin", "")
    own = f"{request.scheme}://{request.get_host()}"
    if origin and (origin == own or origin in settings.CHAT_EMBED_ORIGINS):
        return origin
    return None


def _json(request: HttpRequest, data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    origin = request.headers.get("Origin", "")
    if origin in settings.CHAT_EMBED_ORIGINS:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


def _error(request: HttpRequest, error: Exception, *, status: int = 400) -> JsonResponse:
    if isinstance(error, ValidationError):
        fields = error.message_dict if hasattr(error, "error_dict") else {}
        return _json(request, {"error": " ".join(error.messages), "fields": fields}, status=status)
    return _json(request, {"error": str(error)}, status=403)


def widget_texts() -> dict:
    """Every text the widget shows, in the visitor's language (the portal's language choice)."""
    return {
        "open": _("Chat with us"),
        "title": _("Support chat"),
        "close": _("Close"),
        "safety": _("We will never ask for your recovery phrase, private key or password. Never type them here."),
        "greeting": _("Hello! Ask your question and our assistant will try to answer at once."),
        "email": _("Your email address"),
        "name": _("Your name (optional)"),
        "start": _("Start chat"),
        "placeholder": _("Type your message…"),
        "send": _("Send"),
        "attach": _("Attach a file"),
        "human": _("Talk to a person"),
        "end": _("End chat"),
        "new": _("Start a new chat"),
        "typing": _("Support is typing…"),
        "read": _("Read"),
        "sending": _("Sending…"),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "queued": _("You are number %(place)s in the queue. Expected wait: about %(minutes)s min."),
        "ended": _("This chat has ended."),
        "rate": _("Rate this chat"),
        "you": _("You"),
        "bot": _("Assistant"),
        "agent": _("Support"),
    }


@require_GET
def widget_config(request: HttpRequest) -> JsonResponse:
    user = request.user
    signed_in = user.is_authenticated and not user.is_staff
    return _json(request, {"texts": widget_texts(), "signed_in": signed_in, "language": get_language() or "en"})


@csrf_exempt  # a JSON endpoint for foreign sites too: the Origin check below replaces the CSRF token
@require_POST
def chat_start(request: HttpRequest) -> JsonResponse:
    origin = _origin_allowed(request)
    if origin is None:
        return _json(request, {"error": _("Chat is not available on this site.")}, status=403)
    user = request.user if request.user.is_authenticated else None
    if user is None and not ratelimit.consume(request, action=CHAT_START_ACTION):
        return _json(request, {"error": _("Too many chats started. Please try again later.")}, status=429)
    try:
        session = services.chat_start(
            user=user,
            email=request.POST.get("email", ""),
            name=request.POST.get("name", ""),
            language=_language(request),
            origin=origin,
        )
    except (ValidationError, PermissionDenied) as error:
        return _error(request, error)
    return _json(request, {"key": session.key, "socket": f"/ws/chat/{session.key}/"}, status=201)


def _language(request: HttpRequest) -> str:
    wanted = request.POST.get("language", "") or get_language() or "en"
    codes = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in codes else "en"


@csrf_exempt  # see chat_start: Origin-checked, and the chat key is the visitor's proof
@require_POST
def chat_upload(request: HttpRequest, key: str) -> JsonResponse:
    """A file sent in the chat: the ticket's upload checks (size, type, scrubbing), then a line like any other."""
    if _origin_allowed(request) is None:
        return _json(request, {"error": _("Chat is not available on this site.")}, status=403)
    session = selectors.chat_for_customer(key=key, user=request.user)
    if session is None:
        raise Http404
    upload = request.FILES.get("file")
    if upload is None:
        return _json(request, {"error": _("Choose a file.")}, status=400)
    try:
        posted = services.chat_customer_message(
            session=session,
            body=request.POST.get("body", ""),
            client_id=request.POST.get("client_id", ""),
            attachments=[upload],
        )
    except (ValidationError, PermissionDenied) as error:
        return _error(request, error)
    return _json(request, {"id": posted.message.pk}, status=201)


@require_GET
def chat_attachment(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    session = selectors.chat_for_customer(key=key, user=request.user)
    if session is None or session.ticket_id is None:
        raise Http404
    attachment = get_object_or_404(Attachment, pk=pk, message__ticket_id=session.ticket_id, message__is_internal=False)
    return attachment_response(attachment)
