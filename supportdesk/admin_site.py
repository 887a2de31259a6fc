from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from supportdesk.dashboard import dashboard_context


class SupportDeskAdminSite(admin.AdminSite):
    """The agents' workspace: the index page is the agent's dashboard."""

    site_header = _("SupportDesk")
    site_title = _("SupportDesk")
    index_title = _("Dashboard")
    index_template = "admin/supportdesk_index.html"
    # The queue needs the width more than the app list does.
    enable_nav_sidebar = False

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Staff sign in through allauth like everyone else, so its rate limits and MFA apply.

        Anonymous visitors are sent to allauth's login page (and back here after it); a signed-in
        user who is not staff gets a 403.
        """
        return secure_admin_login(super().login)(request, extra_context)

    def each_context(self, request: HttpRequest) -> dict:
        """Django's context, with the app list built only if a template uses it.

        Building it checks every ModelAdmin's permissions (~10 ms a page); with the nav sidebar off
        no page shows it (the index builds its own). Same keys as Django 5.2's AdminSite.each_context.
        """
        script_name = request.META["SCRIPT_NAME"]
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": script_name if self.site_url == "/" and script_name else self.site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        """Django's list plus the custom pages a ModelAdmin offers with `app_list_links(request)`.

        So pages such as "My training" are one click from the dashboard and the app's page
        (each link comes from `app_list_link`).
        """
        app_list = super().get_app_list(request, app_label)
        apps = {app["app_label"]: app for app in app_list}
        for model, model_admin in self._registry.items():
            app = apps.get(model._meta.app_label)
            if app is not None and hasattr(model_admin, "app_list_links"):
                app["models"].extend(model_admin.app_list_links(request))
        for app in app_list:
            app["models"].sort(key=lambda entry: str(entry["name"]))
        return app_list

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        return super().index(request, extra_context={**dashboard_context(request.user), **(extra_context or {})})
