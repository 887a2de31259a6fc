from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from supportdesk.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(url="/portal/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", include("supportdesk.api_urls")),
    path("portal/complaints/", include("tickets.complaints.urls")),
    path("portal/", include("tickets.portal.urls")),
    path("portal/help/", include("knowledge.urls")),
    path("", include("tickets.urls")),
    path("portal/", include("tickets.safety.urls")),
    path("", include("feedback.urls")),
]

handler404 = "supportdesk.views.not_found"
