"""The survey link: a signed, expiring token naming one invitation.

Why signed rather than a random token stored hashed: the link must be produced
again after the invitation is created — by the (retried, idempotent) email task
and by the portal's "surveys waiting for you" list — without keeping a usable
secret in the database or in the job queue's argument table. The token is the
invitation's random key signed with SECRET_KEY: a leaked database row is not a
working link, a tampered token fails the signature, and the signature carries
a timestamp so a link stops working after FEEDBACK_SURVEY_LINK_DAYS even if the
row's own `expires_at` were edited. Single use is enforced by the row
(`answered_at`, set under a row lock).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing

SALT = "feedback.survey-link"


class InvalidSurveyLink(Exception):
    """Tampered, truncated or made up."""


class ExpiredSurveyLink(InvalidSurveyLink):
    """Genuine, but older than the link lifetime."""


def survey_token(key: uuid.UUID) -> str:
    return signing.TimestampSigner(salt=SALT).sign(key.hex)


def survey_key_from_token(token: str) -> uuid.UUID:
    max_age = timedelta(days=settings.FEEDBACK_SURVEY_LINK_DAYS)
    try:
        return uuid.UUID(hex=signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age))
    except signing.SignatureExpired as error:
        raise ExpiredSurveyLink from error
    except (signing.BadSignature, ValueError) as error:
        raise InvalidSurveyLink from error
