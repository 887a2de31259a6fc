from django.urls import path

from tickets.chat import views

app_name = "chat"

urlpatterns = [
    path("config/", views.widget_config, name="config"),
    path("start/", views.chat_start, name="start"),
    path("<str:key>/upload/", views.chat_upload, name="upload"),
    path("<str:key>/attachments/<id:pk>/", views.chat_attachment, name="attachment"),
]
