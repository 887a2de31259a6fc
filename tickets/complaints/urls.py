from django.urls import path

from tickets.complaints import portal

app_name = "complaints"

urlpatterns = [
    path("", portal.complaint_list, name="list"),
    path("new/", portal.complaint_new, name="new"),
    path("<id:pk>/", portal.complaint_detail, name="detail"),
    path("<id:pk>/respond/", portal.complaint_respond, name="respond"),
    path("confirm/<str:token>/", portal.complaint_confirm, name="confirm"),
]
