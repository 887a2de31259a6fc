"""The portal's language: the customer's account setting, else the browser's Accept-Language, else the site default.

Django's LocaleMiddleware already picks the cookie (the switcher), then Accept-Language, then LANGUAGE_CODE.
For a signed-in customer the account setting (Customer.language) comes first: AccountLanguageMiddleware
activates it, read once per session and kept in the session with the user's id. The switcher and the
profile page change the setting itself, so the choice follows the customer to every device and every mail.
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
    """The signed-in customer's preferred language; None for visitors, staff and unlinked logins."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return None
    remembered = request.session.get(SESSION_KEY)
    if remembered and remembered[0] == user.pk:
        return remembered[1]
    customer = customer_for_user(user=user)
    language = customer.language if customer is not None else None
    remember_account_language(request, language)
    return language


def remember_account_language(request: HttpRequest, language: str | None) -> None:
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
