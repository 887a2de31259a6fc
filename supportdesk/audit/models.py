"""The append-only read audit (imported at the end of supportdesk.models, so a model of `supportdesk`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    DOWNLOAD = "download", _("Downloaded")
    EXPORT = "export", _("Exported")


class AuditEntry(models.Model):
    """One record seen by one person. Never changed or deleted: the admin offers no such permission
    (only `view` exists) and on PostgreSQL a trigger rejects UPDATE and DELETE."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        # Accounts with history are deactivated, not deleted (SET_NULL would be an UPDATE).
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices, default=AuditAction.VIEW)
    object_type = models.CharField(_("object type"), max_length=64, help_text=_("e.g. tickets.ticket"))
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("from (IP address)"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="audit_created_desc"),
            # who saw this ticket / customer
            models.Index(fields=["object_type", "object_id", "-created_at"], name="audit_object_created"),
            # what did this person look at
            models.Index(fields=["actor", "-created_at"], name="audit_actor_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.object_repr or self.object_id}"
