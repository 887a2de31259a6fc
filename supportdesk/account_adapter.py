"""How django-allauth treats SupportDesk accounts.

Allauth serves customers only: staff sign in at the admin. A customer's login
is linked to their Customer record by an address they verified, so tickets
they sent by email before having an account appear in their portal.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tickets.selectors import customer_for_user
from tickets.services import customer_link_user


class PortalAccountAdapter(DefaultAccountAdapter):
    def pre_login(self, request: HttpRequest, user, **kwargs) -> HttpResponse | None:
        if user.is_staff:
            messages.info(request, _("Staff members sign in through the back office."))
            return HttpResponseRedirect(reverse("admin:login"))
        return super().pre_login(request, user, **kwargs)

    def login(self, request: HttpRequest, user) -> None:
        super().login(request, user)
        if customer_for_user(user=user) is None:
            verified = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "id").first()
            if verified is not None:
                customer_link_user(user=user, email=verified.email, language=get_language())

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            customer_link_user(user=email_address.user, email=email_address.email, language=get_language())
        return confirmed
