"""Writes for API credentials: staff tokens and app keys (shown once, hashed at rest)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.models import ApiScope, ApiToken, AppKey
from supportdesk.staff_mfa import mfa_missing

STAFF_TOKEN_PREFIX = "sdt"  # noqa: S105 - a public prefix, not a secret
APP_KEY_PREFIX = "sdapp"


def secret_hash(value: str) -> str:
    """Tokens are 256-bit random values, so a plain SHA-256 is enough (no slow KDF needed)."""
    return hashlib.sha256(value.encode()).hexdigest()


def _new_secret(kind: str) -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{kind}_{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def api_token_create(
    *, user, name: str, scope: str = ApiScope.READ, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for a staff user; returns the row and the plain token (never stored).

    Without `expires_at` the token expires after STAFF_API_TOKEN_DAYS. A user whose role requires
    two-factor authentication gets none until it is set up: a token must not be a way around it.
    """
    if mfa_missing(user):
        raise ValidationError(
            _("%(user)s must set up two-factor authentication before an API token can be issued.") % {"user": user},
            code="mfa_required",
        )
    if expires_at is None and settings.STAFF_API_TOKEN_DAYS:
        expires_at = timezone.now() + timedelta(days=settings.STAFF_API_TOKEN_DAYS)
    prefix, plain = _new_secret(STAFF_TOKEN_PREFIX)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=prefix,
        key_hash=secret_hash(plain),
        scope=scope,
        expires_at=expires_at,
    )
    return token, plain


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def app_key_signing_secret(app_key: AppKey) -> str:
    """The HS256 secret the wallet backend signs customer tokens with.

    Derived from SECRET_KEY and the key's hash, so nothing reversible is stored;
    rotating SECRET_KEY rotates every signing secret.
    """
    message = f"supportdesk.app-key:{app_key.prefix}:{app_key.key_hash}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def app_key_create(*, name: str) -> tuple[AppKey, str, str]:
    """Create an app key; returns the row, the plain key and the signing secret (both shown once)."""
    prefix, plain = _new_secret(APP_KEY_PREFIX)
    app_key = AppKey.objects.create(name=name.strip()[:100], prefix=prefix, key_hash=secret_hash(plain))
    return app_key, plain, app_key_signing_secret(app_key)


def credential_touch(credential: ApiToken | AppKey) -> None:
    """Record use at most once a minute, so every request is not also a write."""
    now = timezone.now()
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        type(credential).objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
