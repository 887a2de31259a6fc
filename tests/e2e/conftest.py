"""Browser end-to-end tests: Playwright drives the system's Chromium against pytest-django's live server.

Skipped (with the reason in pytest's summary) when /usr/bin/chromium is missing,
unless E2E_REQUIRED is set, as CI does: then a missing browser is an error.
"""

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

# Playwright's sync API runs an asyncio loop in the test thread, which makes
# Django refuse ORM calls from that thread unless told it is safe (it is: the
# loop only talks to the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("E2E_REQUIRED"):
        raise pytest.UsageError(f"E2E_REQUIRED is set but {CHROMIUM} is missing: apt-get install chromium")
    skip = pytest.mark.skip(reason=f"e2e skipped: {CHROMIUM} not found (apt-get install chromium fonts-wqy-microhei)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps connections per thread, but per event loop while one runs in the thread, and
    # Playwright leaves its loop running here: without this, the test code would get fresh
    # connections lacking what the test database setup stored on the old ones (the contents that
    # serialized_rollback restores after a test flushes the database).
    wrappers = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open a fresh browser profile (cookies, session) per call, phone-sized unless told otherwise."""
    contexts = []

    def open_page(viewport=PHONE, locale="en-US"):
        context = browser.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request):
    """Save a full-page screenshot as artifacts/<test>/<nn>-<step>.png."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def asgi_server(settings):
    """The whole ASGI application (HTTP and WebSockets) under uvicorn on a free loopback port; pytest-django's live
    server speaks HTTP only. Yields the base URL, which is also the SITE_URL of links in mails."""
    from supportdesk.asgi import application

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            ASGIStaticFilesHandler(application), host="127.0.0.1", port=port, lifespan="off", log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    settings.SITE_URL = url
    yield url
    server.should_exit = True
    thread.join(timeout=10)
