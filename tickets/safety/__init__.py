"""Wallet safety: secrets never stored, agent replies that ask for them refused, identity
verification, official contacts and explorer links.

The detector API (`find_secrets`, `redact_secrets`, `SecretFinding`) is imported
from here by the services and by other apps.
"""

from tickets.safety.detect import SecretFinding, find_secrets, redact_secrets

__all__ = ["SecretFinding", "find_secrets", "redact_secrets"]
