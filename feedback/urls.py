from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("portal/survey/<str:token>/", views.survey, name="survey"),
    path("portal/surveys/", views.my_surveys, name="my_surveys"),
    path("portal/suggestions/new/", views.suggestion_new, name="suggestion_new"),
]
