import asyncio
from concurrent.futures import ThreadPoolExecutor

from channels.layers import get_channel_layer

from supportdesk.kit.channel_layer import group_send_now
from tests.sockets import run


def listening_channel(group: str) -> str:
    async def listen():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        return channel

    return run(listen)


def received(channel: str) -> dict:
    async def receive():
        return await get_channel_layer().receive(channel)

    return run(receive)


def test_a_message_reaches_the_group_from_plain_sync_code():
    channel = listening_channel("kit.plain")

    group_send_now("kit.plain", {"type": "test.frame", "n": 1})

    assert received(channel) == {"type": "test.frame", "n": 1}


def test_a_message_reaches_the_group_from_a_thread_whose_event_loop_is_running():
    channel = listening_channel("kit.looping")

    async def sync_caller_inside_a_running_loop():
        group_send_now("kit.looping", {"type": "test.frame", "n": 2})

    # In a thread of its own: this test's thread may already run Playwright's loop (after a browser test).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, sync_caller_inside_a_running_loop()).result()

    assert received(channel) == {"type": "test.frame", "n": 2}


def test_an_unreachable_channel_layer_is_logged_not_raised(monkeypatch, caplog):
    from redis.exceptions import ConnectionError as RedisConnectionError

    class DownLayer:
        async def group_send(self, group, message):
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr("supportdesk.kit.channel_layer.get_channel_layer", DownLayer)

    group_send_now("kit.down", {"type": "test.frame"})

    assert "live push to kit.down not sent" in caplog.text
