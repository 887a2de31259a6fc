"""Status notices: incidents and planned maintenance announced on the portal's support hours and status page.

Part of knowledge's models (imported by knowledge.models, so Django registers them in the knowledge app).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import LANGUAGE_CHOICES


class NoticeSeverity(models.TextChoices):
    MAINTENANCE = "maintenance", _("Planned maintenance")
    MINOR = "minor", _("Minor disruption")
    MAJOR = "major", _("Major outage")


class StatusNoticeQuerySet(models.QuerySet):
    def for_portal(self, now) -> StatusNoticeQuerySet:
        """Published notices not over yet (ongoing, or planned for later), the most severe first."""
        severity_rank = models.Case(
            models.When(severity=NoticeSeverity.MAJOR, then=0),
            models.When(severity=NoticeSeverity.MINOR, then=1),
            default=2,
        )
        return (
            self.filter(is_published=True)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
            .annotate(severity_rank=severity_rank)
            .order_by("severity_rank", "starts_at", "id")
        )


class StatusNotice(models.Model):
    """An incident or maintenance announcement on the portal's support hours and status page."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what customers should know"), blank=True)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('Title and text per language code, e.g. {"zh-hans": {"title": "…", "body": "…"}}.'),
    )
    severity = models.CharField(
        _("severity"), max_length=12, choices=NoticeSeverity.choices, default=NoticeSeverity.MINOR
    )
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True, help_text=_("Empty: until further notice."))
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StatusNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("status notice")
        verbose_name_plural = _("status notices")
        indexes = [models.Index(fields=["is_published", "ends_at"], name="statusnotice_published_ends")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="statusnotice_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.ends_at is not None and self.starts_at is not None and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
        known = {code for code, _name in LANGUAGE_CHOICES}
        translations = self.translations if isinstance(self.translations, dict) else None
        if translations is None or not all(
            code in known and isinstance(text, dict) and isinstance(text.get("title"), str)
            for code, text in translations.items()
        ):
            raise ValidationError(
                {"translations": _('Use {"language code": {"title": "…", "body": "…"}} with known language codes.')}
            )

    def text(self, language: str) -> tuple[str, str]:
        """(title, body) in `language`, falling back to the text written in the main fields."""
        translated = self.translations.get(language) if isinstance(self.translations, dict) else None
        if isinstance(translated, dict) and translated.get("title"):
            return translated["title"], translated.get("body", "")
        return self.title, self.body

    def is_ongoing(self, now) -> bool:
        return self.starts_at <= now and (self.ends_at is None or self.ends_at > now)
