"""The ASGI entry point: `application` serves HTTP through Django and WebSockets through Channels.

`make run` serves it with uvicorn; production runs it under an ASGI server (several processes share the
Redis channel layer, see README "Live chat"). WebSocket routes come from each app's
`websocket_urlpatterns`; a socket is accepted only from our own hosts or a wallet site on the chat widget's
allow-list (CHAT_EMBED_ORIGINS), and its scope carries the Django session and user like a request.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings.production")

# Django is set up before anything imports models (the consumers and the auth middleware do).
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from tickets.chat.routing import websocket_urlpatterns as chat_websocket_urlpatterns  # noqa: E402
from tickets.notifications.routing import websocket_urlpatterns as notification_websocket_urlpatterns  # noqa: E402

websocket_urlpatterns = [*chat_websocket_urlpatterns, *notification_websocket_urlpatterns]


def allowed_origins() -> list[str]:
    """Our hosts (as AllowedHostsOriginValidator allows them) and the embedding sites' origins."""
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = ["localhost", "127.0.0.1", "[::1]"]
    return [*hosts, *settings.CHAT_EMBED_ORIGINS]


class SiteOriginValidator(OriginValidator):
    """OriginValidator over the current settings (read on every connection, so tests and reloads see changes)."""

    def __init__(self, application):
        super().__init__(application, allowed_origins())

    async def __call__(self, scope, receive, send):
        self.allowed_origins = allowed_origins()
        return await super().__call__(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
