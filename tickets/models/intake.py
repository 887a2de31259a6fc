"""Intake models: contact-form requests held until their sender confirms, and the keyword
rules that classify new tickets (tickets.services.routing). Registered through the tickets.models package."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import LANGUAGE_CHOICES
from tickets.choices import Priority, Tier
from tickets.models.organisation import Category
from tickets.models.tickets import Ticket


class ContactRequest(models.Model):
    """A request from the public contact form, held until its sender confirms the address.

    Only a confirmed request becomes a ticket, so no one can fill the queue in
    someone else's name.
    """

    email = models.EmailField(_("email"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("description"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Kinds of secret (tickets.safety) removed from the form; never the secret itself.
    secret_kinds = models.JSONField(_("secrets removed"), default=list, blank=True, editable=False)
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")

    def __str__(self) -> str:
        return f"{self.email}: {self.subject}"


class KeywordRuleQuerySet(models.QuerySet):
    def active(self) -> KeywordRuleQuerySet:
        return self.filter(is_active=True).select_related("category").order_by("position", "id")


class KeywordRule(models.Model):
    """Classification of incoming text (tickets.services.routing): the first active matching rule wins."""

    name = models.CharField(_("name"), max_length=100)
    keywords = models.TextField(
        _("keywords"),
        help_text=_('One phrase per line, matched case-insensitively in subject and message, e.g. "tx hash", "转账".'),
    )
    category = models.ForeignKey(
        Category, verbose_name=_("set category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(
        _("raise priority to"), max_length=10, choices=Priority.choices, blank=True, help_text=_("Never lowers it.")
    )
    tier = models.CharField(_("escalate to tier"), max_length=2, choices=Tier.choices, blank=True)
    applies_always = models.BooleanField(
        _("also when a category was chosen"),
        default=False,
        help_text=_(
            "Off: the rule only classifies tickets that arrive without a category (email, bot). "
            "On: it overrides the customer's choice, e.g. suspected theft goes to security."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = KeywordRuleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")

    def __str__(self) -> str:
        return self.name

    def phrases(self) -> list[str]:
        return [line.strip().casefold() for line in self.keywords.splitlines() if line.strip()]
