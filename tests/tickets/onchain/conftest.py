"""A local stub of the chains' APIs (http.server in a thread on a free loopback port) answering with recorded
responses from tests/fixtures/onchain/, and the settings that point the providers at it. No real network."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import factories
from tests.httpstub import Answer, Recorded, stub_http_server

FIXTURES = Path(__file__).parents[2] / "fixtures" / "onchain"
ETH_TX = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
TRON_TX = "6c2a7b8d5e4f30112233445566778899aabbccddeeff00112233445566778899"
BTC_TX = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
BTC_DESTINATION = "bc1qc7slrfxkknqcq2jevvvkdgvrt8080852dfjewde450xdlk4ugp7szw5tk9"


def recorded(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


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

    def answer(request: Recorded) -> Answer:
        route = route_of(request.path, request.body)
        stub.requests.append(route)
        return stub.answer(route)

    with stub_http_server(answer) as base_url:
        stub.base_url = base_url
        yield stub


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
