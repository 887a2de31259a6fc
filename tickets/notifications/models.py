"""Staff notifications: what happened that an agent should know about, and how they want to hear of it.

A notification is written once per recipient by tickets.notifications.services, pushed live to the
recipient's open admin pages, and mailed in a digest if it is still unread when the recipient's
digest is due (their NotificationSettings). It links to its object through `url` (an admin path).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models.tickets import Ticket


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    TEAM_ASSIGNED = "team_assigned", _("Assigned to your team")
    CUSTOMER_REPLIED = "customer_replied", _("Customer replied")
    MENTIONED = "mentioned", _("Mentioned in a note")
    SLA_WARNING = "sla_warning", _("SLA at risk")
    SLA_BREACH = "sla_breach", _("SLA breached")
    APPROVAL_NEEDED = "approval_needed", _("Approval needed")
    SECRET_EXPOSED = "secret_exposed", _("Secret exposed")
    CHAIN_STATUS = "chain_status", _("Transaction settled on chain")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(_("link"), max_length=300)
    text = models.CharField(_("text"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("mailed in a digest"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # the bell: a user's unread count and newest first
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.text


class DigestFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once (every few minutes)")
    HOURLY = "hourly", _("Hourly")
    DAILY = "daily", _("Daily")
    OFF = "off", _("Never")


class NotificationSettings(models.Model):
    """A staff member's digest choice; without a row, the default (hourly) applies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    digest = models.CharField(
        _("email digest of unread notifications"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.HOURLY,
    )
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)
