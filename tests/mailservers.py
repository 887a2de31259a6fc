"""A real SMTP server for tests (aiosmtpd on a free loopback port) whose behaviour a test can set."""

import asyncio
import threading

from aiosmtpd.controller import Controller

from devdata.cluster import free_port


class Mailbox:
    """Answers 451 (try later) to the first `refuse` messages. A message containing `watch` sets `receiving`
    and, with `stall`, is held that long before the answer; like a real MTA, the server keeps nothing whose
    sender hung up before the answer."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.watch = ""
        self.stall = 0.0
        self.attempts = 0
        self.delivered: list[bytes] = []
        self.receiving = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        watched = bool(self.watch) and self.watch.encode() in envelope.content
        if watched:
            self.receiving.set()
        if watched and self.stall:
            await asyncio.sleep(self.stall)
            if server.transport is None or server.transport.is_closing():
                return "421 4.4.2 Sender hung up before the message was accepted"
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.delivered.append(envelope.content)
        return "250 2.0.0 OK"


def start_smtp(mailbox: Mailbox) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
