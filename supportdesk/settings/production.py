"""Production settings: no defaults for secrets, hardened transport and cookies.

`DJANGO_SECRET_KEY`, `DATABASE_URL` and `SITE_URL` must be set; `manage.py check --deploy`
passes with these settings.
"""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env
from .connectors import CONNECTORS, SMS_PROVIDER_CLASSES

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = False
DATABASES = {"default": env.db("DATABASE_URL")}
# The web processes run ASGI (uvicorn workers), where a kept connection belongs to the thread that ran the request:
# with persistent connections every executor thread of every process held one, and `make loadtest` exhausted
# PostgreSQL (max_connections 100: "too many clients", /healthz 503). A connection per request, or PgBouncer in front.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# One JSON object per log line (request id, user id), for the log collector.
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")  # noqa: F405

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
SEED_DEMO_ALLOWED = False

# Links in mail (surveys, verification, confirmations) must point at the real site, never a default.
SITE_URL = env("SITE_URL").rstrip("/")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the public https:// address of the site.")

# Texts must reach a phone, never the log: the console connector is for development only.
for _name, _config in CONNECTORS.items():
    if _config["class"] == SMS_PROVIDER_CLASSES["console"]:
        raise ImproperlyConfigured(f"CONNECTORS[{_name!r}] is the console connector: set SMS_PROVIDER=twilio.")

# Encryption at rest needs real keys: the development fallback derives them from SECRET_KEY, which would tie every
# encrypted value to that one secret and make rotating either impossible without losing data.
if not FIELD_ENCRYPTION_KEYS or not FIELD_BLIND_INDEX_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        'FIELD_ENCRYPTION_KEYS and FIELD_BLIND_INDEX_KEY must be set (README "Privacy"): encryption keys for '
        "personal data at rest are never derived from DJANGO_SECRET_KEY in production."
    )
for _key in FIELD_ENCRYPTION_KEYS:  # noqa: F405
    try:
        Fernet(_key.encode())
    except ValueError as _error:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key.") from _error

# Verification codes must reach a phone, never the log: without a provider nothing is sent.
SAFETY_SMS_BACKEND = env(
    "SAFETY_SMS_BACKEND",
    default="tickets.connectors.sms.ConnectorSmsBackend"
    if "sms" in CONNECTORS
    else "tickets.safety.sms.UnconfiguredSmsBackend",
)
if SAFETY_SMS_BACKEND == "tickets.safety.sms.LogSmsBackend":
    raise ImproperlyConfigured("LogSmsBackend writes verification codes to the log: configure a real SMS provider.")
