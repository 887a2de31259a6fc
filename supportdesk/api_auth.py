"""API authentication, permissions and throttling.

Three ways in:
- session (with CSRF) for the portal's own JavaScript;
- `Authorization: Bearer sdt_…` staff tokens with a read or write scope;
- the wallet app: `X-App-Key: sdapp_…` plus `X-Customer-Token: <JWT>` — an HS256
  JWT signed by the wallet's backend with the key's signing secret, carrying
  `sub` (the customer's email), `iat` and `exp` (at most APP_TOKEN_MAX_LIFETIME_SECONDS
  apart), `aud` = APP_TOKEN_AUDIENCE, `iss` = APP_TOKEN_ISSUER and optionally `name`.
  App-key requests may only use the in-app intake endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from supportdesk.kit.client_ip import client_ip
from supportdesk.models import ApiScope, ApiToken, AppKey
from supportdesk.services import app_key_signing_secret, credential_touch, secret_hash


class StaffTokenAuthentication(BaseAuthentication):
    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            plain = parts[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        token = ApiToken.objects.usable().select_related("user").filter(key_hash=secret_hash(plain)).first()
        if token is None or not token.user.is_staff:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        credential_touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


@dataclass(frozen=True)
class AppCustomer:
    """request.auth for the wallet app: which key, and which customer the backend vouched for."""

    app_key: AppKey
    email: str
    name: str


class AppKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        plain = request.headers.get("X-App-Key")
        if not plain:
            return None
        app_key = AppKey.objects.filter(key_hash=secret_hash(plain), is_active=True).first()
        if app_key is None:
            raise exceptions.AuthenticationFailed(_("Unknown or disabled app key."))
        token = request.headers.get("X-Customer-Token", "")
        try:
            claims = jwt.decode(
                token,
                app_key_signing_secret(app_key),
                algorithms=["HS256"],
                audience=settings.APP_TOKEN_AUDIENCE,
                issuer=settings.APP_TOKEN_ISSUER,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError as error:
            raise exceptions.AuthenticationFailed(_("Invalid or expired customer token.")) from error
        if claims["exp"] - claims["iat"] > settings.APP_TOKEN_MAX_LIFETIME_SECONDS:
            # A leaked long-lived token would be a standing key to the customer's requests.
            raise exceptions.AuthenticationFailed(_("The customer token lives longer than allowed."))
        email = str(claims["sub"]).strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise exceptions.AuthenticationFailed(_("The customer token does not name a valid email.")) from error
        credential_touch(app_key)
        return AnonymousUser(), AppCustomer(app_key=app_key, email=email, name=str(claims.get("name", ""))[:200])

    def authenticate_header(self, request) -> str:
        return "X-App-Key"


class TokenScopePermission(permissions.BasePermission):
    """A read-scoped token may only make safe requests."""

    message = _("This token is read-only.")

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiToken) and request.auth.scope != ApiScope.WRITE:
            return request.method in permissions.SAFE_METHODS
        return True


class IsStaff(permissions.BasePermission):
    message = _("Staff only.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class StaffPermission(IsStaff):
    """Staff whose role grants the view's `required_permission` ("app_label.codename")."""

    message = _("Your role does not allow this.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.has_perm(view.required_permission)


class IsAppCustomer(permissions.BasePermission):
    message = _("An app key and a customer token are required.")

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, AppCustomer)


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """One bucket per token, per app key, per user, or per IP for anonymous callers."""

    scope = "client"

    def get_ident(self, request) -> str:
        # DRF's own get_ident believes any X-Forwarded-For unless NUM_PROXIES is set: use TRUSTED_PROXIES.
        return client_ip(request)

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.prefix}"
        elif isinstance(request.auth, AppCustomer):
            ident = f"app:{request.auth.app_key.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


# OpenAPI descriptions of the two schemes (drf-spectacular finds them once this module is imported).
class StaffTokenScheme(OpenApiAuthenticationExtension):
    target_class = "supportdesk.api_auth.StaffTokenAuthentication"
    name = "staffToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Staff integration token `sdt_…` (created in admin, read or write scope).",
        }


class AppKeyScheme(OpenApiAuthenticationExtension):
    target_class = "supportdesk.api_auth.AppKeyAuthentication"
    name = ["appKey", "customerToken"]

    def get_security_requirement(self, auto_schema):
        return {"appKey": [], "customerToken": []}

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "X-App-Key", "description": "The wallet app's key `sdapp_…`."},
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Customer-Token",
                "description": "HS256 JWT from the wallet backend, signed with the app key's signing secret; "
                "claims: sub (customer email), iat, exp (at most APP_TOKEN_MAX_LIFETIME_SECONDS after iat), "
                "aud (APP_TOKEN_AUDIENCE), iss (APP_TOKEN_ISSUER), all required; name (optional).",
            },
        ]
