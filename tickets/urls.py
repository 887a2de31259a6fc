from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<id:pk>/view/", views.attachment_view, name="attachment_view"),
    path("attachments/<id:pk>/thumbnail/", views.attachment_thumbnail, name="attachment_thumbnail"),
]
