"""Which staff must use two-factor authentication (allauth.mfa).

STAFF_MFA_REQUIRED_ROLES lists role (auth group) names; superusers need it too unless
STAFF_MFA_REQUIRED_FOR_SUPERUSERS is off.
A staff user who needs it and has neither a TOTP app nor a security key set up
(recovery codes alone do not count) is sent to the set-up page before the admin
(supportdesk.middleware.StaffMfaMiddleware) and cannot be issued an API token.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def enforced() -> bool:
    """False when no role and no superuser needs MFA (the requirement is switched off)."""
    return bool(settings.STAFF_MFA_REQUIRED_ROLES) or settings.STAFF_MFA_REQUIRED_FOR_SUPERUSERS


def mfa_required(user) -> bool:
    if not (user.is_authenticated and user.is_staff):
        return False
    if user.is_superuser and settings.STAFF_MFA_REQUIRED_FOR_SUPERUSERS:
        return True
    return user.groups.filter(name__in=settings.STAFF_MFA_REQUIRED_ROLES).exists()


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def mfa_missing(user) -> bool:
    """True when the user must set up a second factor before working."""
    return mfa_required(user) and not has_second_factor(user)
