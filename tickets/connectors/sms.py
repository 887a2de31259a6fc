"""Verification codes by SMS through the configured SMS connector (settings.SAFETY_SMS_BACKEND).

A code is sent at once, in process, never through the job queue or an outbound row, so it is not
written anywhere; a retryable provider error is tried again twice within a few seconds (a code is
useless later), with the same idempotency key so the provider sends it once.
"""

from __future__ import annotations

import logging
import time
import uuid

from tickets.connectors.base import ProviderError, connector

logger = logging.getLogger("tickets.safety.sms")

_ATTEMPTS = 3
_PAUSE_SECONDS = 0.5


class ConnectorSmsBackend:
    connector_name = "sms"

    def send(self, phone: str, text: str) -> None:
        provider = connector(self.connector_name)
        if provider is None:
            logger.error("No SMS connector configured: a message to …%s was not sent", phone[-4:])
            return
        key = uuid.uuid4().hex
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                provider.send(recipient=phone, text=text, idempotency_key=key)
                return
            except ProviderError as error:
                if not error.retryable or attempt == _ATTEMPTS:
                    logger.error("SMS to …%s failed after %s attempts: %s", phone[-4:], attempt, error)
                    return
                time.sleep(_PAUSE_SECONDS * 2 ** (attempt - 1))
