"""SMS delivery for verification codes. SAFETY_SMS_BACKEND names the class (dotted path);
a provider backend only needs a `send(phone, text)` method."""

import logging

logger = logging.getLogger("tickets.safety.sms")


class LogSmsBackend:
    """Development default: the message goes to the log instead of a phone."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
