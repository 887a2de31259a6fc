"""Each team's progress-update interval and waiting-on-customer sequence, in the back office.

Supervisors edit them (tickets.change_followuppolicy), managers read them; teams without a row follow the
defaults shown on the add page.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.followups.models import FollowUpPolicy


@admin.register(FollowUpPolicy)
class FollowUpPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "team", "progress_updates", "progress_interval_days", "reminders", "first_reminder_days",
        "second_reminder_days", "close_after_days",
    ]  # fmt: skip
    list_select_related = ["team"]
    list_filter = ["progress_updates", "reminders"]
    search_fields = ["team__name"]
    autocomplete_fields = ["team"]
    fieldsets = [
        (None, {"fields": ["team"]}),
        (
            _("Progress updates (complaints and escalated tickets)"),
            {"fields": ["progress_updates", "progress_interval_days"]},
        ),
        (
            _("Waiting on the customer"),
            {
                "fields": ["reminders", "first_reminder_days", "second_reminder_days", "close_after_days"],
                "description": _(
                    "A reply from the customer stops the sequence; a ticket closed for no reply reopens when the "
                    "customer replies within the portal's reopen window."
                ),
            },
        ),
    ]
