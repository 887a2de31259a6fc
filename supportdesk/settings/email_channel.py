"""Settings of the email channel (issue 5), imported by base.py; read from the environment
(base.py has already loaded .env into it)."""

import environ

env = environ.Env()

__all__ = [
    "IMAP_BATCH_SIZE",
    "IMAP_FOLDER",
    "IMAP_HOST",
    "IMAP_PASSWORD",
    "IMAP_POLL_MINUTES",
    "IMAP_PORT",
    "IMAP_USER",
    "SUPPORT_EMAIL_ACK_LIMIT",
    "SUPPORT_EMAIL_ACK_WINDOW_MINUTES",
    "SUPPORT_EMAIL_ADDRESS",
    "SUPPORT_EMAIL_AUTHSERV_ID",
    "SUPPORT_EMAIL_EXPECTED_REPLY_HOURS",
    "SUPPORT_EMAIL_HARD_BOUNCE_LIMIT",
    "SUPPORT_EMAIL_MAX_ATTEMPTS",
    "SUPPORT_EMAIL_NAME",
    "SUPPORT_EMAIL_PLUS_ADDRESSING",
    "SUPPORT_EMAIL_RETRY_BASE_SECONDS",
    "SUPPORT_EMAIL_RETRY_MAX_SECONDS",
]

# The support mailbox: notifications come from it, customers write to it. Replies are
# routed back by plus-addressing (support+SD-000123@…) when the mail server supports it.
SUPPORT_EMAIL_ADDRESS = env("SUPPORT_EMAIL_ADDRESS", default="support@supportdesk.local")
SUPPORT_EMAIL_NAME = env("SUPPORT_EMAIL_NAME", default="SupportDesk")
SUPPORT_EMAIL_PLUS_ADDRESSING = env.bool("SUPPORT_EMAIL_PLUS_ADDRESSING", default=True)
# Expected reply time promised in acknowledgements (placeholder until SLA policies exist).
SUPPORT_EMAIL_EXPECTED_REPLY_HOURS = env.int("SUPPORT_EMAIL_EXPECTED_REPLY_HOURS", default=24)
# At most this many acknowledgements per sender per window: two auto-responders cannot ping-pong.
SUPPORT_EMAIL_ACK_LIMIT = env.int("SUPPORT_EMAIL_ACK_LIMIT", default=3)
SUPPORT_EMAIL_ACK_WINDOW_MINUTES = env.int("SUPPORT_EMAIL_ACK_WINDOW_MINUTES", default=60)
# Failed deliveries are retried after 1, 2, 4, 8 … minutes (capped at 6 hours), then given up.
SUPPORT_EMAIL_MAX_ATTEMPTS = env.int("SUPPORT_EMAIL_MAX_ATTEMPTS", default=8)
SUPPORT_EMAIL_RETRY_BASE_SECONDS = 60
SUPPORT_EMAIL_RETRY_MAX_SECONDS = 6 * 60 * 60
# After this many permanent delivery failures (hard bounces) an address is marked bouncing and not mailed again
# until it writes to us or an administrator clears it.
SUPPORT_EMAIL_HARD_BOUNCE_LIMIT = env.int("SUPPORT_EMAIL_HARD_BOUNCE_LIMIT", default=3)
# The authserv-id our own mail server writes in Authentication-Results; when set, mail whose sender
# failed DMARC there is quarantined as spoofed. Empty: no such check (the header could be forged).
SUPPORT_EMAIL_AUTHSERV_ID = env("SUPPORT_EMAIL_AUTHSERV_ID", default="")
# IMAP polling (IMAPS). The polling schedule exists only while IMAP_HOST is set
# (`manage.py sync_email_schedules`, run by `make run`).
IMAP_HOST = env("IMAP_HOST", default="")
IMAP_PORT = env.int("IMAP_PORT", default=993)
IMAP_USER = env("IMAP_USER", default="")
IMAP_PASSWORD = env("IMAP_PASSWORD", default="")
IMAP_FOLDER = env("IMAP_FOLDER", default="INBOX")
IMAP_POLL_MINUTES = env.int("IMAP_POLL_MINUTES", default=1)
# Messages fetched per poll: keeps one run well inside the django-q2 task timeout.
IMAP_BATCH_SIZE = env.int("IMAP_BATCH_SIZE", default=50)
