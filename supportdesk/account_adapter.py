"""How django-allauth treats SupportDesk accounts.

Everyone signs in through allauth: customers land in the portal, staff in the admin
(the admin's own login page redirects here), so allauth.mfa asks for TOTP, a security
key or a recovery code whenever one is set up. A customer's login is linked to their
Customer record by an address they verified, so tickets they sent by email before
having an account appear in their portal. Staff accounts are created by an
administrator, so their address needs no confirmation mail before signing in.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language

from supportdesk import login_guard
from supportdesk.kit.client_ip import client_ip
from tickets.portal.language import remember_account_language
from tickets.selectors import customer_for_user
from tickets.services import customer_link_user

EMAIL_VERIFICATION_STAGE = "allauth.account.stages.EmailVerificationStage"


class CustomerEmailVerificationStage(EmailVerificationStage):
    def handle(self):
        if self.login.user.is_staff:
            return None, True
        return super().handle()


def _login_name(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class PortalAccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's rate limits follow TRUSTED_PROXIES like every other limit (ALLAUTH_TRUSTED_PROXY_COUNT unused).
        return client_ip(request)

    def get_login_stages(self) -> list[str]:
        return [
            f"{__name__}.CustomerEmailVerificationStage" if stage == EMAIL_VERIFICATION_STAGE else stage
            for stage in super().get_login_stages()
        ]

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Staff who work tickets land on "My work" (their saved views with counts); other staff on the dashboard."""
        if request.user.is_staff:
            if request.user.has_perm("tickets.change_ticket"):
                return reverse("admin:tickets_savedview_my_work")
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        if login_guard.seconds_to_wait(request, login=_login_name(credentials)):
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            login_guard.success_record(request, user=user, login=_login_name(credentials))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials) -> None:
        login_guard.failure_record(request, login=_login_name(credentials))

    def login(self, request: HttpRequest, user) -> None:
        super().login(request, user)
        if user.is_staff:
            return
        customer = customer_for_user(user=user)
        if customer is None:
            verified = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "id").first()
            if verified is not None:
                customer = customer_link_user(user=user, email=verified.email, language=get_language())
        if customer is not None:
            # From now on the account's language wins over the browser's (tickets.portal.language).
            remember_account_language(request, customer.language)

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed and not email_address.user.is_staff:
            customer_link_user(user=email_address.user, email=email_address.email, language=get_language())
        return confirmed
