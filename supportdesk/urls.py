from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from supportdesk.observability import metrics
from supportdesk.views import healthz
from tickets.portal import language as portal_language

urlpatterns = [
    path("", RedirectView.as_view(url="/portal/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", portal_language.set_language, name="set_language"),
    path("metrics", metrics, name="metrics"),
    # Training and workforce left the knowledge app (issue 18): bookmarks of their old admin pages still open.
    re_path(
        r"^admin/knowledge/(?P<page>(?:trainingcourse|trainingassignment|trainingevent|agentaward)/.*)$",
        RedirectView.as_view(url="/admin/training/%(page)s", permanent=True, query_string=True),
    ),
    re_path(
        r"^admin/knowledge/(?P<page>(?:shift|forecastevent)/.*)$",
        RedirectView.as_view(url="/admin/workforce/%(page)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", include("supportdesk.api_urls")),
    path("connectors/", include("tickets.connectors.urls")),
    path("portal/complaints/", include("tickets.complaints.urls")),
    path("portal/chat/", include("tickets.chat.urls")),
    path("portal/privacy/", include("privacy.urls")),
    path("portal/", include("tickets.portal.urls")),
    path("portal/help/", include("knowledge.urls")),
    path("", include("tickets.urls")),
    path("portal/", include("tickets.safety.urls")),
    path("", include("feedback.urls")),
]

handler404 = "supportdesk.views.not_found"
