"""What every tickets model shares: timestamps and the ticket reference."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def ticket_reference(pk: int) -> str:
    """Human reference shown everywhere (SD-000123). Derived from the key: never stored twice."""
    return f"SD-{pk:06d}"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
