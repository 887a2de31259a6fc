"""The channel layer the chat runs on: Redis with room for a busy server process's frames."""

import runpy

from supportdesk.settings import chat


def chat_settings() -> dict:
    """The module evaluated afresh under the test's environment (it is already imported by the settings)."""
    return runpy.run_path(chat.__file__)


def test_the_redis_channel_layer_holds_more_than_channels_redis_default_per_process(monkeypatch):
    # channels_redis counts its capacity per server process (one Redis queue behind all of a process's sockets);
    # its default of 100 dropped live lines silently once a busy process had 100 waiting.
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
    monkeypatch.delenv("CHANNEL_LAYER_REDIS_URL", raising=False)
    monkeypatch.delenv("CHANNEL_LAYER_CAPACITY", raising=False)

    layer = chat_settings()["CHANNEL_LAYERS"]["default"]

    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert layer["CONFIG"]["hosts"] == ["redis://127.0.0.1:6379/9"] and layer["CONFIG"]["capacity"] >= 1000


def test_without_redis_the_in_memory_layer_serves_one_process(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CHANNEL_LAYER_REDIS_URL", raising=False)

    layer = chat_settings()["CHANNEL_LAYERS"]["default"]

    assert layer["BACKEND"] == "channels.layers.InMemoryChannelLayer"
