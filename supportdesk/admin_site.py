from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
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

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        return super().index(request, extra_context={**dashboard_context(request.user), **(extra_context or {})})
