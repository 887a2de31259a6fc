"""The help centre, deflection suggestions and the FAQ bot, mounted under /portal/help/."""

from django.urls import path

from knowledge import portal

app_name = "knowledge"

urlpatterns = [
    path("", portal.help_home, name="home"),
    path("search/", portal.search, name="search"),
    path("status/", portal.support_hours, name="support_hours"),
    path("suggest", portal.suggest, name="suggest"),
    path("c/<slug:slug>/", portal.category, name="category"),
    path("a/<slug:slug>/", portal.article, name="article"),
    path("a/<slug:slug>/vote/", portal.vote, name="vote"),
    path("bot/", portal.bot, name="bot"),
    path("bot/ask/", portal.bot_ask, name="bot_ask"),
    path("bot/feedback/", portal.bot_feedback, name="bot_feedback"),
    path("bot/handoff/", portal.bot_handoff, name="bot_handoff"),
    path("bot/handoff/email/", portal.bot_handoff_email, name="bot_handoff_email"),
    path("bot/handoff/confirm/<str:token>/", portal.bot_handoff_confirm, name="bot_handoff_confirm"),
]
