"""Staff notifications in the back office: the list page, opening one, the bell's feed, digest settings,
and the @mention autocomplete of the reply box.

Every staff member sees their own notifications, whatever their role (the list is their inbox, not a
model they administer); another person's notification is not found. The bell in the header
(templates/admin/base_site.html, static/tickets/notifications/bell.js) reads the feed and then listens on
the notifications socket (tickets.notifications.consumers).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.admin_actions import ReadOnlyAdminMixin
from tickets.admin.links import ticket_admin_link
from tickets.notifications import selectors, services
from tickets.notifications.models import DigestFrequency, Notification, NotificationSettings


def is_active_staff(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.is_staff)


class DigestSettingsForm(forms.Form):
    digest = forms.ChoiceField(
        label=_("Email me unread notifications"), choices=DigestFrequency.choices, widget=forms.RadioSelect
    )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["open_link", "kind", "ticket_link", "actor", "created_at", "read_at"]
    list_display_links = None
    list_filter = [("read_at", admin.EmptyFieldListFilter), "kind"]
    list_select_related = ["actor"]
    search_fields = ["text"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["mark_read"]
    fields = ["kind", "text", "url", "ticket", "actor", "created_at", "read_at", "emailed_at"]
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_active_staff(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_active_staff(request) and (obj is None or obj.recipient_id == request.user.pk)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(recipient=request.user)

    @admin.display(description=_("notification"))
    def open_link(self, obj: Notification) -> str:
        url = reverse("admin:tickets_notification_open", args=[obj.pk])
        css = "" if obj.read_at else "sd-unread"
        return format_html('<a href="{}" class="{}">{}</a>', url, css, obj.text)

    @admin.display(description=_("ticket"))
    def ticket_link(self, obj: Notification) -> str:
        return ticket_admin_link(obj.ticket_id)

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = services.notifications_mark_read(
            user=request.user, notification_ids=queryset.values_list("pk", flat=True)
        )
        self.message_user(request, _("%(count)d notifications marked as read.") % {"count": count}, messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("<int:pk>/open/", view(self.open_view), name="tickets_notification_open"),
            path("feed/", view(self.feed_view), name="tickets_notification_feed"),
            path("read-all/", view(self.read_all_view), name="tickets_notification_read_all"),
            path("settings/", view(self.settings_view), name="tickets_notification_settings"),
            path("mentions/", view(self.mentions_view), name="tickets_notification_mentions"),
        ]
        return own + super().get_urls()

    def _require_staff(self, request: HttpRequest) -> None:
        if not is_active_staff(request):
            raise PermissionDenied

    def open_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Mark the notification read, then go to what it is about (only its recipient gets through)."""
        self._require_staff(request)
        url = services.notification_open(notification_id=pk, user=request.user)
        if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
            url = reverse("admin:index")
        return HttpResponseRedirect(url)

    def feed_view(self, request: HttpRequest) -> JsonResponse:
        self._require_staff(request)
        return JsonResponse(selectors.bell_feed(user=request.user))

    def read_all_view(self, request: HttpRequest) -> HttpResponse:
        self._require_staff(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        count = services.notifications_mark_read(user=request.user)
        self.message_user(request, _("%(count)d notifications marked as read.") % {"count": count}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:tickets_notification_changelist"))

    def settings_view(self, request: HttpRequest) -> HttpResponse:
        self._require_staff(request)
        current = NotificationSettings.objects.filter(user=request.user).values_list("digest", flat=True).first()
        form = DigestSettingsForm(request.POST or None, initial={"digest": current or DigestFrequency.HOURLY})
        if request.method == "POST" and form.is_valid():
            services.notification_settings_update(user=request.user, digest=form.cleaned_data["digest"])
            self.message_user(request, _("Your notification settings were saved."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:tickets_notification_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Notification settings"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/tickets/notification/settings.html", context)

    def mentions_view(self, request: HttpRequest) -> JsonResponse:
        """Staff to @mention in an internal note, for the reply box's autocomplete."""
        self._require_staff(request)
        return JsonResponse({"results": selectors.mention_candidates(term=request.GET.get("term", ""))})
