"""EVM chains (Ethereum, BNB Smart Chain, Polygon, Arbitrum) through a node's JSON-RPC API.

eth_getTransactionByHash (null: not found; no blockNumber: pending), eth_getTransactionReceipt (status
0x0: failed — reverted, the fee is still paid), eth_blockNumber (confirmations) and eth_getBlockByNumber
(block time). The amount is the native value in the chain's coin (18 decimals); an ERC-20 transfer()
is reported as the token transfer its Transfer log records, in the token's own decimals (eth_call
decimals() and symbol() of the token contract).
"""

from __future__ import annotations

from typing import Any

from tickets.onchain.providers import http
from tickets.onchain.providers.base import (
    LookupFailed,
    Provider,
    TxResult,
    TxStatus,
    from_base_units,
    hex_int,
    timestamp,
)

NATIVE_DECIMALS = 18
TRANSFER_SELECTOR = "0xa9059cbb"
TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
DECIMALS_CALL = "0x313ce567"
SYMBOL_CALL = "0x95d89b41"


class EvmJsonRpcProvider(Provider):
    def rpc(self, method: str, *params: Any) -> Any:
        _status, answer = http.json_call(
            "POST",
            self.url,
            endpoint_key=self.cache_key,
            json_body={"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)},
        )
        if not isinstance(answer, dict) or ("result" not in answer and "error" not in answer):
            raise LookupFailed(f"malformed answer to {method}")
        if "error" in answer:
            error = answer["error"] if isinstance(answer["error"], dict) else {}
            raise LookupFailed(f"provider error: {str(error.get('message', 'unknown'))[:120]}")
        return answer["result"]

    def lookup(self, tx_hash: str, *, to_hint: str = "") -> TxResult:
        tx = self.rpc("eth_getTransactionByHash", tx_hash)
        if tx is None:
            return TxResult(status=TxStatus.NOT_FOUND)
        if not isinstance(tx, dict):
            raise LookupFailed("malformed answer to eth_getTransactionByHash")
        symbol = self.options.get("symbol", "")
        sender, receiver = _address(tx.get("from")), _address(tx.get("to"))
        amount = from_base_units(hex_int(tx.get("value"), "value"), NATIVE_DECIMALS)
        if tx.get("blockNumber") is None:
            return TxResult(
                status=TxStatus.PENDING, from_address=sender, to_address=receiver, amount=amount, unit=symbol
            )
        block_number = hex_int(tx["blockNumber"], "blockNumber")
        receipt = self.rpc("eth_getTransactionReceipt", tx_hash)
        if receipt is None:
            return TxResult(
                status=TxStatus.PENDING, from_address=sender, to_address=receiver, amount=amount, unit=symbol
            )
        if not isinstance(receipt, dict):
            raise LookupFailed("malformed answer to eth_getTransactionReceipt")
        head = hex_int(self.rpc("eth_blockNumber"), "eth_blockNumber")
        block = self.rpc("eth_getBlockByNumber", tx["blockNumber"], False)
        if not isinstance(block, dict):
            raise LookupFailed("malformed answer to eth_getBlockByNumber")
        gas_price = receipt.get("effectiveGasPrice") or tx.get("gasPrice")
        fee = hex_int(receipt.get("gasUsed"), "gasUsed") * hex_int(gas_price, "gasPrice")
        failed = receipt.get("status") == "0x0"
        result = {
            "status": TxStatus.FAILED if failed else TxStatus.CONFIRMED,
            "confirmations": max(head - block_number + 1, 0),
            "block_number": block_number,
            "block_time": timestamp(hex_int(block.get("timestamp"), "timestamp")),
            "from_address": sender,
            "to_address": receiver,
            "amount": amount,
            "fee": from_base_units(fee, NATIVE_DECIMALS),
            "unit": symbol,
            "extra": {"fee_unit": symbol},
        }
        token = None if failed else self._token_transfer(tx, receipt)
        if token is not None:
            result.update(token)
        return TxResult(**result)

    def _token_transfer(self, tx: dict, receipt: dict) -> dict | None:
        """The ERC-20 transfer() this transaction made: its Transfer log, in the token's decimals."""
        if not str(tx.get("input", "")).startswith(TRANSFER_SELECTOR):
            return None
        token = _address(tx.get("to"))
        for log in receipt.get("logs") or []:
            topics = (log.get("topics") or []) if isinstance(log, dict) else []
            if len(topics) == 3 and topics[0] == TRANSFER_TOPIC and _address(log.get("address")) == token:
                decimals = hex_int(self.rpc("eth_call", {"to": token, "data": DECIMALS_CALL}, "latest"), "decimals")
                if decimals > 77:
                    raise LookupFailed("malformed answer: token decimals")
                symbol = _abi_string(self.rpc("eth_call", {"to": token, "data": SYMBOL_CALL}, "latest"))
                return {
                    "from_address": "0x" + topics[1][-40:],
                    "to_address": "0x" + topics[2][-40:],
                    "amount": from_base_units(hex_int(log.get("data"), "Transfer value"), decimals),
                    "unit": symbol or "token",
                    "note": f"token transfer ({token})",
                }
        return None


def _address(value: Any) -> str:
    return value.lower() if isinstance(value, str) else ""


def _abi_string(value: Any) -> str:
    """An ABI-encoded string return value (offset, length, bytes); "" when it is anything else."""
    try:
        raw = bytes.fromhex(str(value).removeprefix("0x"))
        length = int.from_bytes(raw[32:64], "big")
        text = raw[64 : 64 + length].decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""
    return text[:16] if text.isprintable() else ""
