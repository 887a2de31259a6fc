from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from feedback import api as feedback_api
from knowledge import api as knowledge_api
from tickets.api import app_feedback as app_feedback_api
from tickets.api import customers as customers_api
from tickets.api import messages as messages_api
from tickets.api import tickets as tickets_api
from tickets.complaints import api as complaints_api

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/tickets/", tickets_api.TicketListCreateApi.as_view(), name="tickets"),
    path("v1/tickets/<id:pk>/", tickets_api.TicketDetailApi.as_view(), name="ticket"),
    path("v1/tickets/<id:pk>/messages/", messages_api.TicketMessagesApi.as_view(), name="ticket-messages"),
    path("v1/tickets/<id:pk>/status/", tickets_api.TicketStatusApi.as_view(), name="ticket-status"),
    path("v1/tickets/<id:pk>/assign/", tickets_api.TicketAssignApi.as_view(), name="ticket-assign"),
    path(
        "v1/tickets/<id:pk>/sensitive-actions/",
        tickets_api.TicketSensitiveActionApi.as_view(),
        name="ticket-sensitive-action",
    ),
    path("v1/attachments/<id:pk>/download/", messages_api.AttachmentDownloadApi.as_view(), name="attachment-download"),
    path("v1/customers/", customers_api.CustomerListApi.as_view(), name="customers"),
    path("v1/customers/<id:pk>/", customers_api.CustomerDetailApi.as_view(), name="customer"),
    path("v1/app/feedback/", app_feedback_api.InAppFeedbackApi.as_view(), name="app-feedback"),
    path("v1/tickets/<int:pk>/complaint/", complaints_api.TicketComplaintApi.as_view(), name="ticket-complaint"),
    path("v1/complaints/", complaints_api.ComplaintListApi.as_view(), name="complaints"),
    path("v1/complaints/<int:pk>/", complaints_api.ComplaintDetailApi.as_view(), name="complaint"),
    path("v1/complaints/<int:pk>/stage/", complaints_api.ComplaintStageApi.as_view(), name="complaint-stage"),
    path("v1/complaints/<int:pk>/respond/", complaints_api.ComplaintRespondApi.as_view(), name="complaint-respond"),
    re_path(
        rf"^v1/surveys/(?P<token>{feedback_api.SURVEY_LINK_PATTERN})/$",
        feedback_api.SurveyApi.as_view(),
        name="survey",
    ),
    re_path(
        rf"^v1/surveys/(?P<token>{feedback_api.SURVEY_LINK_PATTERN})/responses/$",
        feedback_api.SurveyResponseApi.as_view(),
        name="survey-responses",
    ),
    path("v1/suggestions/", feedback_api.SuggestionListCreateApi.as_view(), name="suggestions"),
    path("v1/articles/", knowledge_api.ArticleListApi.as_view(), name="articles"),
    path("v1/articles/<slug:slug>/", knowledge_api.ArticleDetailApi.as_view(), name="article"),
]
