"""The providers against recorded answers (stub server on loopback): normalised results, exact units, and every
way a provider can fail turned into a LookupFailed with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.tickets.onchain.conftest import BTC_DESTINATION, BTC_TX, ETH_TX, TRON_TX, Answer, recorded
from tickets.onchain.providers import LookupFailed, TxStatus, provider_for
from tickets.onchain.providers.base import from_base_units

# EVM ------------------------------------------------------------------------


def test_a_mined_ethereum_transfer_is_confirmed_with_amount_fee_time_and_confirmations(chains):
    chains.evm()

    result = provider_for("ethereum").lookup(ETH_TX)

    assert result.status == TxStatus.CONFIRMED
    assert result.confirmations == 12  # head 18000011 − block 18000000 + 1
    assert result.block_number == 18_000_000
    assert result.block_time == datetime(2023, 9, 1, 0, 0, 11, tzinfo=UTC)
    assert result.from_address == "0x3e3a1c0b5b4f6e8a1e56c1f2f2a6d8b2c9d0e1f2"
    assert result.to_address == "0x8f9a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a"
    # 1234500000000000000 wei; fee = 21000 gas × 20 gwei (the receipt's effective price, not the tx's 25 gwei)
    assert result.amount == Decimal("1.2345") and isinstance(result.amount, Decimal)
    assert result.fee == Decimal("0.00042")
    assert result.unit == "ETH"


def test_a_reverted_ethereum_transaction_is_failed_and_its_fee_still_counts(chains):
    chains.evm(receipt="eth_receipt_failed.json")

    result = provider_for("ethereum").lookup(ETH_TX)

    assert result.status == TxStatus.FAILED
    assert result.fee == Decimal("0.00092218")  # 46109 × 20 gwei


def test_a_transaction_without_a_block_is_pending_and_asks_nothing_more(chains):
    chains.evm(tx="eth_tx_pending.json")

    result = provider_for("ethereum").lookup(ETH_TX)

    assert result.status == TxStatus.PENDING
    assert result.confirmations == 0 and result.fee is None
    assert chains.requests == ["eth_getTransactionByHash"]


def test_an_unknown_ethereum_hash_is_not_found(chains):
    chains.on("eth_getTransactionByHash", "eth_tx_unknown.json")

    assert provider_for("ethereum").lookup(ETH_TX).status == TxStatus.NOT_FOUND


def test_an_erc20_transfer_reports_the_token_amount_in_the_tokens_decimals(chains):
    chains.evm(tx="eth_tx_erc20.json", receipt="eth_receipt_erc20.json")
    chains.on("eth_call:0x313ce567", "eth_call_decimals.json")
    chains.on("eth_call:0x95d89b41", "eth_call_symbol.json")

    result = provider_for("ethereum").lookup(ETH_TX)

    assert result.status == TxStatus.CONFIRMED
    assert (result.amount, result.unit) == (Decimal("250.5"), "USDT")
    assert result.to_address == "0x" + "ab" * 20
    assert "0xdac17f958d2ee523a2206206994597c13d831ec7" in result.note
    assert result.extra["fee_unit"] == "ETH"


# TRON -----------------------------------------------------------------------


def test_a_tron_transfer_is_confirmed_in_trx_with_base58_addresses(chains):
    chains.on("/wallet/gettransactionbyid", "tron_tx_transfer.json")
    chains.on("/wallet/gettransactioninfobyid", "tron_info_transfer.json")
    chains.on("/wallet/getnowblock", "tron_now_block.json")

    result = provider_for("tron").lookup(TRON_TX)

    assert result.status == TxStatus.CONFIRMED
    assert result.confirmations == 31
    assert (result.amount, result.unit, result.fee) == (Decimal(15), "TRX", Decimal("1.1"))  # sun → TRX
    assert result.from_address == "TComENRjpPvSAwHfo3TeQ7AXk8E4Ut6sC2"
    assert result.to_address == "TEBPQZ2sdAtbz5bCo8JYfQekfT1HwGn5Qg"
    assert result.block_time == datetime(2023, 11, 14, 22, 13, 21, tzinfo=UTC)


def test_a_reverted_trc20_transfer_is_failed_with_the_token_amount(chains):
    chains.on("/wallet/gettransactionbyid", "tron_tx_trc20_reverted.json")
    chains.on("/wallet/gettransactioninfobyid", "tron_info_trc20_reverted.json")
    chains.on("/wallet/getnowblock", "tron_now_block.json")
    chains.on("/wallet/triggerconstantcontract", "tron_trc20_decimals.json")

    result = provider_for("tron").lookup(TRON_TX)

    assert result.status == TxStatus.FAILED
    assert result.amount == Decimal("99.75")
    assert result.fee == Decimal("27.2559")
    assert "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" in result.note


def test_tron_unknown_is_not_found_and_not_yet_in_a_block_is_pending(chains):
    chains.on("/wallet/gettransactionbyid", "tron_tx_unknown.json", "tron_tx_transfer.json")
    chains.on("/wallet/gettransactioninfobyid", Answer(body=b"{}"))
    provider = provider_for("tron")

    assert provider.lookup(TRON_TX).status == TxStatus.NOT_FOUND
    assert provider.lookup(TRON_TX).status == TxStatus.PENDING


# Bitcoin --------------------------------------------------------------------


def test_a_confirmed_bitcoin_payment_to_the_tickets_address_in_btc(chains):
    chains.on("/btc/tx", "btc_tx_confirmed.json")
    chains.on(
        "/btc/blocks/tip/height", Answer(body=recorded("btc_tip_height.txt"), headers={"Content-Type": "text/plain"})
    )

    result = provider_for("bitcoin").lookup(BTC_TX, to_hint=BTC_DESTINATION)

    assert result.status == TxStatus.CONFIRMED
    assert result.confirmations == 6
    assert (result.to_address, result.amount, result.fee) == (BTC_DESTINATION, Decimal("0.015"), Decimal("0.0000225"))
    assert result.from_address == "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


def test_without_a_hint_the_payment_is_the_output_that_is_not_change(chains):
    chains.on("/btc/tx", "btc_tx_mempool.json")

    result = provider_for("bitcoin").lookup(BTC_TX)

    assert result.status == TxStatus.PENDING
    assert (result.to_address, result.amount) == (BTC_DESTINATION, Decimal("0.015"))


def test_an_unknown_bitcoin_transaction_is_not_found(chains):
    chains.on("/btc/tx", Answer(404, b"Transaction not found", {"Content-Type": "text/plain"}))

    assert provider_for("bitcoin").lookup(BTC_TX).status == TxStatus.NOT_FOUND


# Units ------------------------------------------------------------------------


def test_base_units_convert_exactly_beyond_float_and_context_precision():
    assert from_base_units(10**30 + 1, 18) == Decimal("1000000000000.000000000000000001")
    assert from_base_units(1, 8) == Decimal("0.00000001")
    assert from_base_units(0, 6) == 0


@given(st.integers(min_value=0, max_value=10**40), st.sampled_from([6, 8, 18]))
def test_base_units_round_trip(value, decimals):
    # Decimal from a string is exact; scaleb or a product would round to the context's 28 digits.
    assert from_base_units(value, decimals) == Decimal(f"{value}e-{decimals}")


# Failures -------------------------------------------------------------------


def test_a_provider_that_does_not_answer_in_time_is_a_timeout(chains):
    chains.on("eth_getTransactionByHash", Answer(body=recorded("eth_tx_unknown.json"), delay=1.5))

    with pytest.raises(LookupFailed, match="timeout"):
        provider_for("ethereum").lookup(ETH_TX)


def test_a_429_backs_off_for_its_retry_after_without_asking_again(chains):
    chains.on("/btc/tx", Answer(429, b"Too Many Requests", {"Retry-After": "30"}))
    provider = provider_for("bitcoin")

    with pytest.raises(LookupFailed, match="rate limited") as first:
        provider.lookup(BTC_TX)
    with pytest.raises(LookupFailed, match="rate limited") as second:
        provider.lookup(BTC_TX)

    assert first.value.retry_after == 30
    assert 0 < second.value.retry_after <= 30
    assert chains.requests == ["/btc/tx"]  # the second lookup did not reach the provider


def test_a_retry_after_far_in_the_future_is_capped(chains, settings):
    chains.on("/btc/tx", Answer(429, b"", {"Retry-After": "86400"}))

    with pytest.raises(LookupFailed) as failure:
        provider_for("bitcoin").lookup(BTC_TX)

    assert failure.value.retry_after == settings.ONCHAIN_MAX_RETRY_AFTER_SECONDS


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(body=b"<html>502 Bad Gateway</html>"), "malformed answer: not JSON"),
        (Answer(body=b'{"jsonrpc": "2.0", "id": 1, "result": "0xzz"}'), "malformed answer to eth_getTransactionByHash"),
        (Answer(body=b'["not", "an", "object"]'), "malformed answer to eth_getTransactionByHash"),
        (Answer(body=recorded("eth_rate_limited.json")), "provider error: daily request count exceeded"),
        (Answer(503, b"upstream down"), "provider error: HTTP 503"),
        (Answer(302, b"", {"Location": "http://169.254.169.254/"}), "provider error: HTTP 302"),
        (Answer(body=b"[" + b"0," * 700_000 + b"0]"), "answer too large"),
    ],
    ids=["html", "garbage-result", "not-an-object", "rpc-error", "5xx", "redirect-not-followed", "too-large"],
)
def test_bad_answers_are_clear_failures(chains, answer, reason):
    chains.on("eth_getTransactionByHash", answer)

    with pytest.raises(LookupFailed, match=reason):
        provider_for("ethereum").lookup(ETH_TX)


def test_a_malformed_field_inside_a_valid_answer_is_a_failure_not_a_crash(chains):
    chains.evm()
    chains.on("eth_blockNumber", Answer(body=b'{"jsonrpc": "2.0", "id": 1, "result": 18000011}'))

    with pytest.raises(LookupFailed, match="eth_blockNumber is not a hex quantity"):
        provider_for("ethereum").lookup(ETH_TX)


def test_an_unconfigured_chain_has_no_provider(chains):
    assert provider_for("bsc") is None
    assert provider_for("") is None
