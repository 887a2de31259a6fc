"""Who works the desk and how work is classified: categories, tags, teams, agent profiles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tickets.choices import (
    Priority,
    Tier,
)


class Category(models.Model):
    """Configurable classification tree (account & security, transaction, ...)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    translations = models.JSONField(
        _("translated names"),
        default=dict,
        blank=True,
        help_text=_('Name per language code, e.g. {"zh-hans": "账户与安全"}.'),
    )
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    requires_verification = models.BooleanField(
        _("requires identity verification"),
        default=False,
        help_text=_("Account-sensitive help: agents verify the customer's identity (email/SMS code) first."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        return self.translations.get(language or get_language() or "en") or self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Language codes the team answers in.")
    )
    categories = models.ManyToManyField(Category, verbose_name=_("categories served"), blank=True, related_name="teams")
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        help_text=_("Business hours and SLA calendars are attached to teams in the SLA settings."),
    )
    auto_assign = models.BooleanField(_("auto-assign new tickets"), default=False)
    tier = models.CharField(
        _("tier"),
        max_length=2,
        choices=Tier.choices,
        default=Tier.L1,
        help_text=_("Escalating a ticket to a tier moves it to a team of that tier."),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_teams",
        help_text=_("Receives SLA warnings, breaches and escalations of the team's tickets."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    handles_security = models.BooleanField(
        _("security team"),
        default=False,
        help_text=_("Tickets where a customer exposed a recovery phrase or key, and impersonator reports, go here."),
    )
    handles_triage = models.BooleanField(
        _("triage team"),
        default=False,
        help_text=_("Owns the triage queue: every new ticket that no team serves lands here. At most one team."),
    )
    # The portal's "Support hours and status" page lists the teams that publish their hours.
    business_calendar = models.ForeignKey(
        "tickets.BusinessCalendar",
        verbose_name=_("business hours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
        help_text=_("The calendar whose opening hours and holidays the team keeps."),
    )
    publish_hours = models.BooleanField(
        _("hours on the portal"),
        default=False,
        help_text=_("Show this team's hours, holidays and open/closed state on the portal's support hours page."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["handles_triage"], condition=Q(handles_triage=True), name="one_triage_team")
        ]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="agent_profile"
    )
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="agents")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    skills = models.ManyToManyField(
        Category, verbose_name=_("skills (categories)"), blank=True, related_name="skilled_agents"
    )
    tier = models.CharField(_("tier"), max_length=2, choices=Tier.choices, default=Tier.L1)
    max_open_tickets = models.PositiveIntegerField(_("maximum open tickets"), default=25)
    is_available = models.BooleanField(_("available"), default=True)
    last_assigned_at = models.DateTimeField(_("last assigned"), null=True, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
