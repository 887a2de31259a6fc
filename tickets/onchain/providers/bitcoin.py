"""Bitcoin through an Esplora-style explorer API (Blockstream, mempool.space, a self-hosted electrs).

GET /tx/{txid} (404: not found; status.confirmed false: in the mempool) and GET /blocks/tip/height
(plain text) for confirmations. Values and the fee are in satoshi (8 decimals). A Bitcoin transaction
has many inputs and outputs: "from" is the first input's address, "to" and the amount are the outputs
paying the ticket's to-address when it is among them, otherwise the first output that is not change
(back to an input address). Bitcoin has no failed transactions: an invalid one never enters a block.
"""

from __future__ import annotations

from tickets.onchain.providers import http
from tickets.onchain.providers.base import (
    LookupFailed,
    Provider,
    TxResult,
    TxStatus,
    from_base_units,
    plain_int,
    timestamp,
)

SATOSHI_DECIMALS = 8


class EsploraProvider(Provider):
    def lookup(self, tx_hash: str, *, to_hint: str = "") -> TxResult:
        status, tx = http.json_call("GET", f"{self.url}/tx/{tx_hash}", endpoint_key=self.cache_key)
        if status == 404:
            return TxResult(status=TxStatus.NOT_FOUND)
        if not isinstance(tx, dict) or not isinstance(tx.get("status"), dict):
            raise LookupFailed("malformed answer to /tx")
        try:
            inputs = [(vin.get("prevout") or {}).get("scriptpubkey_address", "") for vin in tx["vin"]]
            outputs = [(out.get("scriptpubkey_address", ""), plain_int(out["value"], "value")) for out in tx["vout"]]
        except (KeyError, TypeError, AttributeError) as error:
            raise LookupFailed("malformed answer to /tx") from error
        receiver, sats = _payment(inputs, outputs, to_hint.strip())
        common = {
            "from_address": next((address for address in inputs if address), ""),
            "to_address": receiver,
            "amount": from_base_units(sats, SATOSHI_DECIMALS) if receiver else None,
            "fee": from_base_units(plain_int(tx.get("fee", 0), "fee"), SATOSHI_DECIMALS),
            "unit": "BTC",
            "note": f"{len(inputs)} inputs, {len(outputs)} outputs" if len(inputs) + len(outputs) > 3 else "",
            "extra": {"fee_unit": "BTC"},
        }
        state = tx["status"]
        if not state.get("confirmed"):
            return TxResult(status=TxStatus.PENDING, **common)
        block_height = plain_int(state.get("block_height"), "block_height")
        return TxResult(
            status=TxStatus.CONFIRMED,
            confirmations=max(self._tip_height() - block_height + 1, 0),
            block_number=block_height,
            block_time=timestamp(plain_int(state.get("block_time"), "block_time")),
            **common,
        )

    def _tip_height(self) -> int:
        status, body = http.request("GET", f"{self.url}/blocks/tip/height", endpoint_key=self.cache_key)
        text = body.decode("ascii", errors="replace").strip()
        if status == 404 or not text.isdigit():
            raise LookupFailed("malformed answer to /blocks/tip/height")
        return int(text)


def _payment(inputs: list[str], outputs: list[tuple[str, int]], to_hint: str) -> tuple[str, int]:
    if to_hint and any(address == to_hint for address, _value in outputs):
        return to_hint, sum(value for address, value in outputs if address == to_hint)
    for address, value in outputs:
        if address and address not in inputs:
            return address, value
    return (outputs[0][0], outputs[0][1]) if outputs else ("", 0)
