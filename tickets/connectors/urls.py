from django.urls import path

from tickets.connectors import views

app_name = "connectors"

urlpatterns = [
    path("<slug:name>/webhook/", views.webhook, name="webhook"),
]
