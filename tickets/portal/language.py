"""The portal's language: the customer's account setting, else the browser's Accept-Language, else the site default.

Django's LocaleMiddleware already picks the cookie (the switcher), then Accept-Language, then LANGUAGE_CODE.
For a signed-in customer the account setting (Customer.language) comes first: the sign-in
(supportdesk.account_adapter) keeps it in the session with the user's id, so no page pays a query for it,
and AccountLanguageMiddleware activates it. The switcher and the profile page change the setting itself,
so the choice follows the customer to every device and every mail.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from tickets import services
from tickets.selectors import customer_for_user

SESSION_KEY = "portal_account_language"


def account_language(request: HttpRequest) -> str | None:
    """The signed-in customer's preferred language, as remembered in their session at sign-in; else None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return None
    remembered = request.session.get(SESSION_KEY)
    return remembered[1] if remembered and remembered[0] == user.pk else None


def remember_account_language(request: HttpRequest, language: str | None) -> None:
    """Called at sign-in and when the customer changes the setting (profile, switcher)."""
    request.session[SESSION_KEY] = [request.user.pk, language]


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie and redirect), and for a signed-in customer their account setting too."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    customer = customer_for_user(user=request.user)
    if customer is not None and language in dict(settings.LANGUAGES):
        services.customer_set_language(customer=customer, language=language)
        remember_account_language(request, language)
    return response
