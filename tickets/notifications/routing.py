"""WebSocket routes of staff notifications and ticket presence (supportdesk.asgi includes them)."""

from django.urls import path

from tickets.notifications import consumers

websocket_urlpatterns = [
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
    path("ws/tickets/<int:ticket_id>/presence/", consumers.TicketPresenceConsumer.as_asgi()),
]
