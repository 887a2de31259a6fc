"""SMS delivery for verification codes. SAFETY_SMS_BACKEND names the class (dotted path);
a provider backend only needs a `send(phone, text)` method."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("tickets.safety.sms")


def sms_backend():
    return import_string(settings.SAFETY_SMS_BACKEND)()


class LogSmsBackend:
    """Development default: the message goes to the log instead of a phone (the log filter still hides the code;
    production settings never use this backend)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class UnconfiguredSmsBackend:
    """Production default until a provider is configured: nothing is sent and the text is never logged."""

    def send(self, phone: str, text: str) -> None:
        logger.error("No SMS provider configured (SAFETY_SMS_BACKEND): a message to %s was not sent", phone[-4:])
