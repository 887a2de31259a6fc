"""The link a customer answers a complaint's resolution with: a signed random token, of which
only the SHA-256 is stored (ConfirmationToken). Pure: no database access."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ERROR_LINK_INVALID = "link_invalid"
ERROR_LINK_USED = "link_used"
ERROR_LINK_EXPIRED = "link_expired"

_SIGNING_SALT = "tickets.complaints.confirmation"  # namespaces the signature, not a secret


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return signing.TimestampSigner(salt=_SIGNING_SALT).sign(secrets.token_urlsafe(32))


def link_lifetime() -> timedelta:
    return timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS)


def check_signature(token: str) -> None:
    """A ValidationError if the link was not signed by us or its signature is too old."""
    try:
        signing.TimestampSigner(salt=_SIGNING_SALT).unsign(token, max_age=link_lifetime())
    except signing.SignatureExpired as error:
        raise ValidationError(_("This link has expired."), code=ERROR_LINK_EXPIRED) from error
    except signing.BadSignature as error:
        raise ValidationError(_("This link is not valid."), code=ERROR_LINK_INVALID) from error
