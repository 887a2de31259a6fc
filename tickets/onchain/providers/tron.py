"""TRON through a TronGrid-style HTTP API (TronGrid, a full node's /wallet/ endpoints).

/wallet/gettransactionbyid ({}: not found), /wallet/gettransactioninfobyid ({}: not in a block yet →
pending; result FAILED or a contract result other than SUCCESS → failed), /wallet/getnowblock
(confirmations). TRX amounts and fees are in sun (6 decimals). A TRC-20 transfer() is reported as the
token transfer, in the token's decimals (/wallet/triggerconstantcontract decimals()). The API key goes
in the TRON-PRO-API-KEY header.
"""

from __future__ import annotations

from typing import Any

import base58

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

SUN_DECIMALS = 6
TRANSFER_SELECTOR = "a9059cbb"


class TronGridProvider(Provider):
    def call(self, path: str, body: dict) -> Any:
        headers = {"TRON-PRO-API-KEY": self.options["api_key"]} if self.options.get("api_key") else {}
        status, answer = http.json_call(
            "POST", f"{self.url}/wallet/{path}", endpoint_key=self.cache_key, json_body=body, headers=headers
        )
        if status == 404 or not isinstance(answer, dict):
            raise LookupFailed(f"malformed answer to {path}")
        if "Error" in answer:
            raise LookupFailed(f"provider error: {str(answer['Error'])[:120]}")
        return answer

    def lookup(self, tx_hash: str, *, to_hint: str = "") -> TxResult:
        tx = self.call("gettransactionbyid", {"value": tx_hash})
        if not tx:
            return TxResult(status=TxStatus.NOT_FOUND)
        try:
            contract = tx["raw_data"]["contract"][0]
            kind, value = contract["type"], contract["parameter"]["value"]
            contract_result = (tx.get("ret") or [{}])[0].get("contractRet", "")
        except (KeyError, IndexError, TypeError, AttributeError) as error:
            raise LookupFailed("malformed answer to gettransactionbyid") from error
        transfer = self._transfer(kind, value)
        info = self.call("gettransactioninfobyid", {"value": tx_hash})
        if not info or "blockNumber" not in info:
            return TxResult(status=TxStatus.PENDING, **transfer)
        block_number = plain_int(info["blockNumber"], "blockNumber")
        try:
            head = plain_int(self.call("getnowblock", {})["block_header"]["raw_data"]["number"], "block number")
        except (KeyError, TypeError) as error:
            raise LookupFailed("malformed answer to getnowblock") from error
        receipt = info.get("receipt") if isinstance(info.get("receipt"), dict) else {}
        failed = (
            info.get("result") == "FAILED"
            or contract_result not in ("", "SUCCESS")
            or receipt.get("result", "SUCCESS") != "SUCCESS"
        )
        return TxResult(
            status=TxStatus.FAILED if failed else TxStatus.CONFIRMED,
            confirmations=max(head - block_number + 1, 0),
            block_number=block_number,
            block_time=timestamp(plain_int(info.get("blockTimeStamp"), "blockTimeStamp") // 1000),
            fee=from_base_units(plain_int(info.get("fee", 0), "fee"), SUN_DECIMALS),
            extra={"fee_unit": "TRX"},
            **transfer,
        )

    def _transfer(self, kind: str, value: dict) -> dict:
        if not isinstance(value, dict):
            raise LookupFailed("malformed answer to gettransactionbyid")
        sender = tron_address(value.get("owner_address"))
        if kind == "TransferContract":
            amount = from_base_units(plain_int(value.get("amount"), "amount"), SUN_DECIMALS)
            return {"from_address": sender, "to_address": tron_address(value.get("to_address")), "amount": amount,
                    "unit": "TRX"}  # fmt: skip
        data = str(value.get("data", ""))
        if kind == "TriggerSmartContract" and data.startswith(TRANSFER_SELECTOR) and len(data) >= 136:
            token = tron_address(value.get("contract_address"))
            try:
                raw_amount = int(data[72:136], 16)
            except ValueError as error:
                raise LookupFailed("malformed answer: token amount") from error
            decimals = self._token_decimals(value.get("contract_address"))
            return {
                "from_address": sender,
                "to_address": tron_address("41" + data[32:72]),
                "amount": from_base_units(raw_amount, decimals),
                "unit": "token",
                "note": f"token transfer ({token})",
            }
        return {"from_address": sender, "note": kind[:60]}

    def _token_decimals(self, contract_address: Any) -> int:
        answer = self.call(
            "triggerconstantcontract",
            {
                "owner_address": contract_address,
                "contract_address": contract_address,
                "function_selector": "decimals()",
            },
        )
        try:
            decimals = int(answer["constant_result"][0], 16)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise LookupFailed("malformed answer: token decimals") from error
        if decimals > 77:
            raise LookupFailed("malformed answer: token decimals")
        return decimals


def tron_address(value: Any) -> str:
    """A 41-prefixed hex address as its base58check form (T…); already-base58 values are kept."""
    if not isinstance(value, str):
        return ""
    if len(value) == 42 and value.startswith("41"):
        try:
            return base58.b58encode_check(bytes.fromhex(value)).decode("ascii")
        except ValueError:
            return ""
    return value if value.startswith("T") else ""
