from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tickets import api as tickets_api

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("v1/tickets/", tickets_api.TicketListCreateApi.as_view(), name="tickets"),
    path("v1/tickets/<id:pk>/", tickets_api.TicketDetailApi.as_view(), name="ticket"),
    path("v1/tickets/<id:pk>/messages/", tickets_api.TicketMessagesApi.as_view(), name="ticket-messages"),
    path("v1/tickets/<id:pk>/status/", tickets_api.TicketStatusApi.as_view(), name="ticket-status"),
    path("v1/tickets/<id:pk>/assign/", tickets_api.TicketAssignApi.as_view(), name="ticket-assign"),
    path("v1/attachments/<id:pk>/download/", tickets_api.AttachmentDownloadApi.as_view(), name="attachment-download"),
    path("v1/customers/", tickets_api.CustomerListApi.as_view(), name="customers"),
    path("v1/customers/<id:pk>/", tickets_api.CustomerDetailApi.as_view(), name="customer"),
    path("v1/app/feedback/", tickets_api.InAppFeedbackApi.as_view(), name="app-feedback"),
]
