"""Sending to a Channels group from sync code (services, after commit)."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def group_send_now(group: str, message: dict) -> None:
    """Send one message to a group of sockets; nothing to do without a channel layer.

    Sync code normally runs in a thread without an event loop (a WSGI/ASGI request thread, a worker, a
    consumer's database thread), where async_to_sync can start one. A thread whose own loop is running (an
    embedded sync caller, e.g. the browser tests' Playwright thread) cannot: the send then runs in a
    short-lived thread of its own, still before this returns.

    A push is best effort: the change is already committed and sockets catch up on reconnect, so a channel layer
    that cannot be reached (Redis down) is logged, never turned into a failed request.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            send(group, message)
            return
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(send, group, message).result()
    except (OSError, RedisError) as error:
        logger.warning("live push to %s not sent: %s", group, error)
