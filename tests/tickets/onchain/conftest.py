"""A local stub of the chains' APIs (http.server in a thread on a free loopback port) answering with recorded
responses from tests/fixtures/onchain/, and the settings that point the providers at it. No real network."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests import factories

FIXTURES = Path(__file__).parents[2] / "fixtures" / "onchain"
ETH_TX = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
TRON_TX = "6c2a7b8d5e4f30112233445566778899aabbccddeeff00112233445566778899"
BTC_TX = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
BTC_DESTINATION = "bc1qc7slrfxkknqcq2jevvvkdgvrt8080852dfjewde450xdlk4ugp7szw5tk9"


def recorded(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"{}"
    headers: dict = field(default_factory=dict)
    delay: float = 0


@dataclass
class StubChains:
    """Answers per route: a JSON-RPC method ("eth_call:<data>" for calls), else the path without the hash.
    The last answer of a route repeats; every request is recorded."""

    routes: dict[str, list[Answer]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    base_url: str = ""

    def on(self, route: str, *answers: Answer | str) -> None:
        self.routes[route] = [Answer(body=recorded(a)) if isinstance(a, str) else a for a in answers]

    def answer(self, route: str) -> Answer:
        answers = self.routes.get(route)
        if not answers:
            return Answer(404, b"not stubbed")
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def evm(self, *, tx: str = "eth_tx_mined.json", receipt: str = "eth_receipt_success.json") -> None:
        self.on("eth_getTransactionByHash", tx)
        self.on("eth_getTransactionReceipt", receipt)
        self.on("eth_blockNumber", "eth_block_number.json")
        self.on("eth_getBlockByNumber", "eth_block.json")


def route_of(path: str, body: bytes) -> str:
    if path.startswith("/evm"):
        call = json.loads(body)
        if call["method"] == "eth_call":
            return f"eth_call:{call['params'][0]['data']}"
        return call["method"]
    if path.startswith("/btc/tx/"):
        return "/btc/tx"
    return path


@pytest.fixture
def stub_chains():
    stub = StubChains()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            route = route_of(self.path, body)
            stub.requests.append(route)
            answer = stub.answer(route)
            if answer.delay:
                time.sleep(answer.delay)
            try:
                self.send_response(answer.status)
                for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = _handle

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    stub.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    yield stub
    server.shutdown()
    server.server_close()


@pytest.fixture
def chains(settings, stub_chains):
    """Ethereum, TRON and Bitcoin configured against the stub; BSC and the rest not configured."""
    evm = "tickets.onchain.providers.evm.EvmJsonRpcProvider"
    settings.ONCHAIN_PROVIDERS = {
        "ethereum": {"class": evm, "url": f"{stub_chains.base_url}/evm", "symbol": "ETH"},
        "tron": {"class": "tickets.onchain.providers.tron.TronGridProvider", "url": stub_chains.base_url,
                 "api_key": "tron-test-key"},
        "bitcoin": {"class": "tickets.onchain.providers.bitcoin.EsploraProvider", "url": f"{stub_chains.base_url}/btc"},
    }  # fmt: skip
    settings.ONCHAIN_HTTP_TIMEOUT_SECONDS = 0.5
    return stub_chains


@pytest.fixture
def eth_ticket(customer, team, agent):
    ticket = factories.ticket(customer=customer, team=team, subject="ETH not arrived", chain="ethereum", tx_hash=ETH_TX)
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])
    return ticket
