"""Developer machine settings: `make run` uses these."""

from .base import *  # noqa: F403
from .base import env
from .connectors import build_connectors

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Demo accounts are only ever created with these settings (seed_demo refuses otherwise).
SEED_DEMO_ALLOWED = True

# `make run` starts the web server and the worker as two processes: a cache on disk is shared by both, so
# /healthz counts the running cluster (django-q2 keeps its statistics in the cache) and login rate limits
# hold across them. CACHE_URL (e.g. rediscache://…) replaces it.
# With REDIS_URL the cache is on Redis (base settings).
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{BASE_DIR / '.cache'}")}  # noqa: F405
# Security keys and passkeys over plain http://127.0.0.1 (browsers allow WebAuthn on localhost only).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
# Demo staff sign in without an authenticator; STAFF_MFA_REQUIRED_ROLES in the environment turns the rule on.
STAFF_MFA_REQUIRED_ROLES = env.list("STAFF_MFA_REQUIRED_ROLES", default=[])
STAFF_MFA_REQUIRED_FOR_SUPERUSERS = env.bool("STAFF_MFA_REQUIRED_FOR_SUPERUSERS", default=False)
# SMS and the hotline: the console connector logs texts unless SMS_PROVIDER names a real provider.
CONNECTORS = build_connectors(env, sms_provider=env("SMS_PROVIDER", default="console"))
SAFETY_SMS_BACKEND = env("SAFETY_SMS_BACKEND", default="tickets.connectors.sms.ConnectorSmsBackend")
