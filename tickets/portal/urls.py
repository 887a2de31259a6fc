from django.urls import path

from tickets.portal import contact, linking, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<id:pk>/", views.request_detail, name="request_detail"),
    path("requests/<id:pk>/reply/", views.request_reply, name="request_reply"),
    path("requests/<id:pk>/solve/", views.request_solve, name="request_solve"),
    path("requests/<id:pk>/reopen/", views.request_reopen, name="request_reopen"),
    path("profile/", views.profile, name="profile"),
    path("link/", linking.link_account, name="link_account"),
    path("contact/", contact.contact, name="contact"),
    path("contact/sent/", contact.contact_sent, name="contact_sent"),
    path("contact/confirm/<str:token>/", contact.contact_confirm, name="contact_confirm"),
]
