from django.urls import path

from privacy import portal

app_name = "privacy"

urlpatterns = [
    path("", portal.privacy_home, name="home"),
    path("notice/", portal.privacy_notice, name="notice"),
    path("export/", portal.export_new, name="export_new"),
    path("export/<str:token>/", portal.export_download, name="export_download"),
]
