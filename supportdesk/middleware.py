import zoneinfo
from collections.abc import Callable

from allauth.core import ratelimit
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from supportdesk.audit.recording import audit_flush
from supportdesk.staff_mfa import enforced, mfa_missing
from tickets.portal.language import account_language

ANONYMOUS_POST_ACTION = "anonymous_post"
MFA_REQUIRED_MESSAGE = _("Your role requires two-factor authentication: set up an authenticator app or a security key.")
TOO_MANY_REQUESTS_MESSAGE = _("Too many requests. Please wait a minute and try again.")


class AccountLanguageMiddleware:
    """A signed-in customer sees the portal in the language of their account (tickets.portal.language);
    a staff member who chose a language (User.language) sees the admin in it.

    After LocaleMiddleware (cookie, Accept-Language, site default) and AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = account_language(request) or _staff_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def _staff_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    return getattr(user, "language", "") if user is not None and user.is_authenticated and user.is_staff else ""


class UserTimezoneMiddleware:
    """Shows every date in the signed-in user's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone_name = getattr(request.user, "time_zone", "") if hasattr(request, "user") else ""
        if zone_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class AuditMiddleware:
    """Writes the reads a view noted (supportdesk.audit.recording.audit_read) in one INSERT per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        audit_flush(request)
        return response


class StaffMfaMiddleware:
    """Staff who must use two-factor authentication (supportdesk.staff_mfa) set it up before the admin or API.

    The answer is remembered in the session once it is "set up", so a working day costs two queries, not two
    per page.
    """

    SESSION_KEY = "supportdesk_mfa_checked"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"status": 403, "code": "mfa_required", "message": str(MFA_REQUIRED_MESSAGE)}},
                    status=403,
                )
            messages.warning(request, MFA_REQUIRED_MESSAGE)
            return redirect("mfa_index")
        return self.get_response(request)

    def _must_set_up(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_authenticated and user.is_staff and request.path.startswith(("/admin/", "/api/"))):
            return False
        if request.path == reverse("admin:logout"):
            return False
        if not enforced() or request.session.get(self.SESSION_KEY):
            return False
        if mfa_missing(user):
            return True
        request.session[self.SESSION_KEY] = True
        return False


class AnonymousPostRateLimitMiddleware:
    """Every anonymous form POST (contact, bot, deflection, verification, reports…) is limited per client IP.

    The API has DRF's throttles and the account pages allauth's own limits; everything else an
    anonymous visitor can post to counts against ACCOUNT_RATE_LIMITS["anonymous_post"]. Channel webhooks
    (/connectors/) are signed by their provider and have their own budget (tickets.connectors.views).
    """

    EXEMPT_PREFIXES = ("/api/", "/accounts/", "/connectors/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not ratelimit.consume(request, action=ANONYMOUS_POST_ACTION)
        ):
            return HttpResponse(TOO_MANY_REQUESTS_MESSAGE, status=429, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
