from django.urls import path

from tickets.safety import views

app_name = "safety"

urlpatterns = [
    path("verify/", views.verify_contact, name="verify_contact"),
    path("verify/report/", views.report_impersonator, name="report_impersonator"),
    path("verify-identity/<id:ticket_id>/", views.verify_identity, name="verify_identity"),
]
