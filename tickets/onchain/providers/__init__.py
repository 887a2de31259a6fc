"""The configured provider of each chain (settings.ONCHAIN_PROVIDERS: chain → {"class": dotted path, "url", …}).

Adding a chain family is one module with a Provider subclass plus an entry in the settings.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from tickets.onchain.providers.base import LookupFailed, Provider, TxResult, TxStatus

__all__ = ["LookupFailed", "Provider", "TxResult", "TxStatus", "configured_chains", "provider_for"]


def configured_chains() -> list[str]:
    return sorted(settings.ONCHAIN_PROVIDERS)


def provider_for(chain: str) -> Provider | None:
    """The provider the settings configure for `chain`, or None: lookup not configured there."""
    config = settings.ONCHAIN_PROVIDERS.get((chain or "").strip().lower())
    if not config or not config.get("url"):
        return None
    options = {key: value for key, value in config.items() if key not in ("class", "url")}
    return import_string(config["class"])(chain=chain.strip().lower(), url=config["url"], **options)
