"""SMS delivery for verification codes. SAFETY_SMS_BACKEND names the class (dotted path);
a provider backend only needs a `send(phone, text)` method."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("tickets.safety.sms")


def sms_backend():
    return import_string(settings.SAFETY_SMS_BACKEND)()


class LogSmsBackend:
    """Development default: the message goes to the log instead of a phone."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
