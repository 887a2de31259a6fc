"""Choices more than one app stores: languages and weekdays."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The languages of the desk (settings.LANGUAGES), as model and serializer choices.
LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]
# The same as TextChoices, for labels of stored codes ("zh-hant" → "Traditional Chinese").
Language = models.TextChoices(
    "Language", [(code.replace("-", "_").upper(), (code, name)) for code, name in LANGUAGE_CHOICES]
)


class Weekday(models.IntegerChoices):
    """Python's numbering (date.weekday()): Monday is 0."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
