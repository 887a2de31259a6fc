"""Saved views in the back office: the "My work" page, saving the ticket list's current query, team defaults."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from supportdesk.kit.admin_actions import error_text, run_for_each
from tickets.models import Team, team_ids_of
from tickets.workspace import selectors, services
from tickets.workspace.models import SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "open_link", "owner", "team", "is_team_default", "created_at"]
    list_select_related = ["owner", "team"]
    list_filter = ["is_team_default", "team"]
    search_fields = ["name"]
    fields = ["name", "query", "team", "is_team_default"]
    readonly_fields = ["is_team_default"]
    actions = ["make_team_default"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm("tickets.view_all_tickets"):
            return queryset
        return queryset.filter(pk__in=selectors.visible_views(request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "team" and not request.user.has_perm("tickets.view_all_tickets"):
            kwargs["queryset"] = Team.objects.filter(id__in=team_ids_of(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.owner_id == request.user.pk)

    def save_model(self, request, obj: SavedView, form, change: bool) -> None:
        if change:
            obj.query = services.normalise_query(obj.query)
            super().save_model(request, obj, form, change)
            return
        created = services.saved_view_create(owner=request.user, name=obj.name, query=obj.query, team=obj.team)
        obj.pk = created.pk

    def has_make_default_permission(self, request) -> bool:
        return request.user.has_perm("tickets.change_team")

    @admin.display(description=_("open"))
    def open_link(self, obj: SavedView) -> str:
        return format_html('<a href="{}?{}">{}</a>', reverse("admin:tickets_ticket_changelist"), obj.query, _("open"))

    @admin.action(description=_("Make team default"), permissions=["make_default"])
    def make_team_default(self, request, queryset) -> None:
        run_for_each(
            self,
            request,
            queryset,
            lambda view: services.saved_view_set_team_default(view=view, actor=request.user),
            lambda done: (
                ngettext("%(count)d view is now a team default.", "%(count)d views are now team defaults.", done)
                % {"count": done}
            ),
        )

    def get_urls(self):
        my_work = path("my-work/", self.admin_site.admin_view(self.my_work_view), name="tickets_savedview_my_work")
        save = path("save/", self.admin_site.admin_view(self.save_view), name="tickets_savedview_save")
        return [my_work, save, *super().get_urls()]

    def my_work_view(self, request: HttpRequest) -> TemplateResponse:
        """The agent's landing page: built-in, team default, shared and own views with counts (two queries)."""
        if not request.user.has_perm("tickets.view_ticket"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("My work"),
            "opts": self.model._meta,
            "rows": selectors.my_work(request.user),
        }
        return TemplateResponse(request, "admin/tickets/savedview/my_work.html", context)

    def save_view(self, request: HttpRequest) -> HttpResponseRedirect:
        """The ticket list's "Save this view" form posts here."""
        return _save(request, self)


@require_POST
def _save(request: HttpRequest, model_admin: SavedViewAdmin) -> HttpResponseRedirect:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    query = request.POST.get("query", "")
    team_id = request.POST.get("team", "")
    team = Team.objects.filter(pk=int(team_id)).first() if team_id.isdigit() else None
    try:
        view = services.saved_view_create(owner=request.user, name=request.POST.get("name", ""), query=query, team=team)
    except (ValidationError, PermissionDenied) as error:
        model_admin.message_user(request, error_text(error), messages.ERROR)
        return HttpResponseRedirect(f"{reverse('admin:tickets_ticket_changelist')}?{query}")
    model_admin.message_user(request, _("View “%(name)s” saved.") % {"name": view.name}, messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:tickets_savedview_my_work"))
