"""Helpers for tests of WebSocket consumers (Channels' communicator) driven from sync tests."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator


async def receive_until(socket: WebsocketCommunicator, wanted, *, timeout: float = 3) -> dict:
    """The next frame for which wanted(frame) is true (frames before it are skipped)."""
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if wanted(frame):
            return frame


def run(coroutine_function):
    """Run an async test body from a sync test (no asyncio plugin).

    After a browser test, Playwright's loop still runs in the test thread (tests/e2e/conftest.py), where
    async_to_sync refuses to start: then the body runs from a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return async_to_sync(coroutine_function)()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(coroutine_function)).result()
