"""Saved views of the ticket changelist. Registered through the tickets.models package."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.organisation import Team


class SavedView(models.Model):
    """A named ticket-list query (filters, search, ordering): private, or shared with one of the owner's teams."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="saved_views"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("shared with team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
        help_text=_("Empty: only the owner sees it."),
    )
    query = models.CharField(_("query"), max_length=1000, help_text=_("The ticket list's filters, search and order."))
    is_team_default = models.BooleanField(
        _("team default"), default=False, help_text=_("Set by the team's supervisor: listed first for every member.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-is_team_default", "name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_team_default=False) | Q(team__isnull=False), name="savedview_default_needs_team"
            )
        ]
        indexes = [models.Index(fields=["owner", "name"], name="savedview_owner_name")]

    def __str__(self) -> str:
        return self.name
