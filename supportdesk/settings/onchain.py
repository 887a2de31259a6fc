"""Settings of the on-chain status lookup (issue 24 item 8, README "On-chain lookup"), imported by base.py; read
from the environment (base.py has already loaded .env into it).

Endpoints come from here only, never from ticket data: a ticket names a chain and a hash, and the lookup
asks the endpoint configured for that chain. A chain without an endpoint is "lookup not configured".
"""

import environ

env = environ.Env()

__all__ = [
    "ONCHAIN_FINAL_CACHE_SECONDS",
    "ONCHAIN_FINAL_CONFIRMATIONS",
    "ONCHAIN_HTTP_TIMEOUT_SECONDS",
    "ONCHAIN_MAX_RESPONSE_BYTES",
    "ONCHAIN_MAX_RETRY_AFTER_SECONDS",
    "ONCHAIN_PENDING_CACHE_SECONDS",
    "ONCHAIN_PROVIDERS",
    "ONCHAIN_RECHECK_BATCH",
    "ONCHAIN_RECHECK_HOURS",
]

EVM = "tickets.onchain.providers.evm.EvmJsonRpcProvider"


def build_onchain_providers(env) -> dict:
    """chain → {"class": dotted path, "url": endpoint, options…} for every chain the environment gives an endpoint.

    EVM node services (Infura, Alchemy, QuickNode…) carry their key in the URL; TronGrid takes it in a header.
    """
    evm = {
        "ethereum": (env("ONCHAIN_ETHEREUM_RPC_URL", default=""), "ETH"),
        "bsc": (env("ONCHAIN_BSC_RPC_URL", default=""), "BNB"),
        "polygon": (env("ONCHAIN_POLYGON_RPC_URL", default=""), "POL"),
        "arbitrum": (env("ONCHAIN_ARBITRUM_RPC_URL", default=""), "ETH"),
    }
    providers = {chain: {"class": EVM, "url": url, "symbol": symbol} for chain, (url, symbol) in evm.items() if url}
    if tron_url := env("ONCHAIN_TRON_API_URL", default=""):
        providers["tron"] = {
            "class": "tickets.onchain.providers.tron.TronGridProvider",
            "url": tron_url,
            "api_key": env("ONCHAIN_TRON_API_KEY", default=""),
        }
    if bitcoin_url := env("ONCHAIN_BITCOIN_API_URL", default=""):
        providers["bitcoin"] = {"class": "tickets.onchain.providers.bitcoin.EsploraProvider", "url": bitcoin_url}
    return providers


ONCHAIN_PROVIDERS = build_onchain_providers(env)
# One provider call: connect and read timeout, and the largest answer read (a Bitcoin transaction with
# thousands of inputs is a few hundred kilobytes; anything bigger is refused, not parsed).
ONCHAIN_HTTP_TIMEOUT_SECONDS = env.float("ONCHAIN_HTTP_TIMEOUT_SECONDS", default=5)
ONCHAIN_MAX_RESPONSE_BYTES = env.int("ONCHAIN_MAX_RESPONSE_BYTES", default=1024 * 1024)
# A provider's 429 stops every lookup on that chain for its Retry-After (at most this long; 60 s without one).
ONCHAIN_MAX_RETRY_AFTER_SECONDS = 15 * 60
# Results are cached per chain and hash: briefly while they can still change, long once final.
ONCHAIN_PENDING_CACHE_SECONDS = env.int("ONCHAIN_PENDING_CACHE_SECONDS", default=30)
ONCHAIN_FINAL_CACHE_SECONDS = env.int("ONCHAIN_FINAL_CACHE_SECONDS", default=24 * 60 * 60)
# Confirmations after which a transaction counts as final (no further re-checks, long cache).
ONCHAIN_FINAL_CONFIRMATIONS = {"bitcoin": 6, "ethereum": 12, "bsc": 15, "polygon": 128, "arbitrum": 1, "tron": 19}
# The re-check job (a django-q2 schedule, every 5 minutes): at most this many unsettled lookups per run, for
# this many hours after a transaction's first check.
ONCHAIN_RECHECK_BATCH = env.int("ONCHAIN_RECHECK_BATCH", default=50)
ONCHAIN_RECHECK_HOURS = env.int("ONCHAIN_RECHECK_HOURS", default=48)
