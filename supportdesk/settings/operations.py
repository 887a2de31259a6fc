"""Serving and observability settings (issue 22), imported by base.py.

JSON logs with the request id and user id, the /metrics token, the Redis cache that degrades, the outbound
mail lease and the SMTP timeout. Every value comes from the environment (README, "Configuration").
"""

import environ

env = environ.Env()

# /metrics (Prometheus) answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is off (404).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# LOG_FORMAT=json (production's default) writes one JSON object per line with the request id and user id
# (supportdesk.kit.structured_logs). The redaction filter runs first, the request context filter after it.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOG_FILTERS = {
    "redact_secrets": {"()": "supportdesk.log_redaction.RedactSecretsFilter"},
    "request_context": {"()": "supportdesk.kit.structured_logs.RequestContextFilter"},
}
LOG_FORMATTERS = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {"()": "supportdesk.kit.structured_logs.JsonFormatter"},
}
# A worker that claims a mail holds it this long; if it dies mid-send, the retry sweep sends it after that. It
# must exceed the django-q2 task timeout (Q_CLUSTER["timeout"]), so a slow but living worker is never overtaken.
SUPPORT_EMAIL_SEND_LEASE_SECONDS = env.int("SUPPORT_EMAIL_SEND_LEASE_SECONDS", default=10 * 60)
# Seconds an SMTP connection may block before the attempt fails and is retried (Django's default waits forever).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)


def redis_cache(url: str) -> dict:
    """The cache on Redis, shared by every web and worker process; misses while Redis is down."""
    return {"BACKEND": "supportdesk.kit.cache.ResilientRedisCache", "LOCATION": url, "KEY_PREFIX": "c"}
