from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from knowledge.admin_macros import TicketReplyToolsMixin
from supportdesk.models import User
from tickets.admin import TicketAdmin
from tickets.models import Ticket


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ["time_zone"]}),
    ]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "role_names", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all())


# The ticket change page gets the knowledge app's reply tools (macros, article links).
# Wired here because tickets imports none of our other apps.
admin.site.unregister(Ticket)


@admin.register(Ticket)
class WorkspaceTicketAdmin(TicketReplyToolsMixin, TicketAdmin):
    pass
