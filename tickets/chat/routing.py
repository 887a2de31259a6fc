"""WebSocket routes of the live chat (supportdesk.asgi includes them)."""

from django.urls import path

from tickets.chat import consumers

websocket_urlpatterns = [
    path("ws/chat/console/", consumers.AgentConsoleConsumer.as_asgi()),
    path("ws/chat/<str:key>/", consumers.CustomerChatConsumer.as_asgi()),
]
