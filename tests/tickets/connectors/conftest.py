"""A local fake of the Telegram Bot API and the Twilio REST API (http.server in a thread on a free loopback
port), and the settings that point the connectors at it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.httpstub import Answer, Recorded, stub_http_server

FIXTURES = Path(__file__).parents[2] / "fixtures" / "connectors"
TELEGRAM_TOKEN = "123456:TEST-token"
TELEGRAM_SECRET = "webhook-secret-for-tests"
TWILIO_TOKEN = "twilio-auth-token-for-tests"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@dataclass
class FakeProvider:
    """Scripted answers per path suffix (status, body, delay); every request is recorded."""

    requests: list[Recorded] = field(default_factory=list)
    scripts: dict[str, list[tuple[int, bytes, float]]] = field(default_factory=dict)
    seen_idempotency: set[str] = field(default_factory=set)
    delivered: list[Recorded] = field(default_factory=list)
    base_url: str = ""

    def script(self, suffix: str, *answers: tuple[int, bytes, float]) -> None:
        self.scripts.setdefault(suffix, []).extend(answers)

    def sent(self, suffix: str) -> list[Recorded]:
        return [request for request in self.delivered if request.path.endswith(suffix)]

    def answer(self, request: Recorded) -> tuple[int, bytes, float]:
        for suffix, answers in self.scripts.items():
            if request.path.split("?")[0].endswith(suffix) and answers:
                return answers.pop(0)
        return self.default(request)

    def default(self, request: Recorded) -> tuple[int, bytes, float]:
        path = request.path.split("?")[0]
        if path.endswith("/sendMessage"):
            return 200, json.dumps({"ok": True, "result": {"message_id": 500 + len(self.requests)}}).encode(), 0
        if path.endswith("/getFile"):
            file_id = request.path.split("file_id=")[-1]
            return (
                200,
                json.dumps({"ok": True, "result": {"file_id": file_id, "file_path": f"photos/{file_id}.jpg"}}).encode(),
                0,
            )
        if "/file/bot" in path:
            return 200, JPEG, 0
        if path.endswith("/Messages.json"):
            return 201, json.dumps({"sid": f"SM{len(self.requests):032d}"}).encode(), 0
        return 404, b"{}", 0


@pytest.fixture
def fake_provider():
    provider = FakeProvider()

    def answer(request: Recorded) -> Answer:
        provider.requests.append(request)
        status, body, delay = provider.answer(request)
        if delay:
            time.sleep(delay)
        key = request.headers.get("I-Twilio-Idempotency-Token")
        if status < 300 and (key is None or key not in provider.seen_idempotency):
            # Like Twilio: a repeated idempotency key is accepted but not delivered again.
            provider.delivered.append(request)
            if key:
                provider.seen_idempotency.add(key)
        return Answer(status=status, body=body)

    with stub_http_server(answer) as base_url:
        provider.base_url = base_url
        yield provider


@pytest.fixture
def connectors(settings, fake_provider):
    settings.CONNECTORS = {
        "telegram": {
            "class": "tickets.connectors.telegram.TelegramConnector",
            "token": TELEGRAM_TOKEN,
            "secret_token": TELEGRAM_SECRET,
            "base_url": fake_provider.base_url,
            "bot_username": "WalletSupportBot",
            "channel": "@wallet_news",
            "group": "@wallet_community",
        },
        "sms": {
            "class": "tickets.connectors.twilio.TwilioConnector",
            "account_sid": "ACtest",
            "auth_token": TWILIO_TOKEN,
            "from_number": "+14155550100",
            "base_url": fake_provider.base_url,
            "forward_to": "+14155550199",
            "public_number": "+14155550100",
        },
    }
    settings.CONNECTOR_HTTP_TIMEOUT_SECONDS = 0.5
    settings.SITE_URL = "https://support.example.com"
    return fake_provider


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
