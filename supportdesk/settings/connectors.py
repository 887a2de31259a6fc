"""Settings of the social and phone channels (issue 25), imported by base.py; read from the environment
(base.py has already loaded .env into it)."""

import environ

env = environ.Env()

__all__ = [
    "CONNECTORS",
    "CONNECTOR_HTTP_TIMEOUT_SECONDS",
    "CONNECTOR_MAX_ATTEMPTS",
    "CONNECTOR_MAX_PAYLOAD_BYTES",
    "CONNECTOR_RETRY_BASE_SECONDS",
    "CONNECTOR_RETRY_MAX_SECONDS",
    "SMS_PROVIDER_CLASSES",
]

# CONNECTORS: name → {"class": dotted path, options…}; adding a channel is one module (a
# tickets.connectors.base.Connector) plus an entry here. Webhooks: /connectors/<name>/webhook/.
SMS_PROVIDER_CLASSES = {
    "twilio": "tickets.connectors.twilio.TwilioConnector",
    # Development only: writes texts to the log (production settings refuse it).
    "console": "tickets.connectors.twilio.ConsoleSmsConnector",
}


def build_connectors(env, *, sms_provider: str) -> dict:
    """The connectors the environment configures: Telegram when TELEGRAM_BOT_TOKEN is set, SMS/voice with a provider."""
    connectors = {}
    if env("TELEGRAM_BOT_TOKEN", default=""):
        connectors["telegram"] = {
            "class": "tickets.connectors.telegram.TelegramConnector",
            "token": env("TELEGRAM_BOT_TOKEN"),
            "secret_token": env("TELEGRAM_WEBHOOK_SECRET"),
            "base_url": env("TELEGRAM_API_URL", default="https://api.telegram.org"),
            "bot_username": env("TELEGRAM_BOT_USERNAME"),
            "channel": env("TELEGRAM_CHANNEL", default=""),
            "group": env("TELEGRAM_GROUP", default=""),
        }
    if sms_provider:
        connectors["sms"] = {
            "class": SMS_PROVIDER_CLASSES[sms_provider],
            "account_sid": env("TWILIO_ACCOUNT_SID", default="AC-console" if sms_provider == "console" else None),
            "auth_token": env("TWILIO_AUTH_TOKEN", default="console-token" if sms_provider == "console" else None),
            "from_number": env("SMS_FROM_NUMBER", default="+10000000000" if sms_provider == "console" else None),
            "base_url": env("TWILIO_API_URL", default="https://api.twilio.com"),
            "forward_to": env("HOTLINE_FORWARD_TO", default=""),
            "public_number": env("HOTLINE_PUBLIC_NUMBER", default=""),
        }
    return connectors


CONNECTORS = build_connectors(env, sms_provider=env("SMS_PROVIDER", default=""))
# Provider API calls: timeout; failed sends retried after 30 s, 1, 2, 4 … minutes (capped at 1 hour), then given up.
CONNECTOR_HTTP_TIMEOUT_SECONDS = env.float("CONNECTOR_HTTP_TIMEOUT_SECONDS", default=10)
CONNECTOR_MAX_ATTEMPTS = env.int("CONNECTOR_MAX_ATTEMPTS", default=8)
CONNECTOR_RETRY_BASE_SECONDS = 30
CONNECTOR_RETRY_MAX_SECONDS = 60 * 60
# A webhook delivery larger than this is quarantined and answered 400 (Telegram updates and Twilio
# callbacks are a few kilobytes; media come by reference).
CONNECTOR_MAX_PAYLOAD_BYTES = env.int("CONNECTOR_MAX_PAYLOAD_BYTES", default=64 * 1024)
