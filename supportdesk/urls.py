from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from supportdesk.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("portal/help/", include("knowledge.urls")),
    path("", include("tickets.urls")),
]
