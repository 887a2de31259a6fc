"""Settings shared by every environment.

Everything deploy-specific comes from environment variables (see README,
"Configuration"). With none set the project runs on SQLite, the django-q2 ORM
broker and the console email backend.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(BASE_DIR / ".env")
# Serving and observability: logs, metrics, the Redis cache, the outbound mail lease (issue 22).
from .operations import *  # noqa: E402, F403
from .operations import LOG_FILTERS, LOG_FORMAT, LOG_FORMATTERS, redis_cache  # noqa: E402

# GENERAL
SECRET_KEY = env("DJANGO_SECRET_KEY", default="!!!SET DJANGO_SECRET_KEY!!!")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
ROOT_URLCONF = "supportdesk.urls"
WSGI_APPLICATION = "supportdesk.wsgi.application"
ASGI_APPLICATION = "supportdesk.asgi.application"
SITE_ID = 1

# INTERNATIONALISATION
# Admin and portal: English and Simplified Chinese everywhere; the portal and every mail to a customer
# also in Traditional Chinese, Spanish, French, Indonesian and Vietnamese (locale/<lang>/GLOSSARY.md).
# The portal's language: the customer's account setting, else Accept-Language, else LANGUAGE_CODE
# (tickets.portal.language).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("id", _("Indonesian")),
    ("vi", _("Vietnamese")),
]
# Our catalogs first; locale_vendor/ fills what a library ships no catalog for (django-allauth has no
# Vietnamese one). `make messages` never rewrites locale_vendor/: no source file of ours maps to it.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
USE_I18N = True
# Stored in UTC; every user sees their own zone (User.time_zone, activated by
# supportdesk.middleware.UserTimezoneMiddleware).
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_TZ = True

# DATABASES
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the django-q2 worker write concurrently: WAL plus an
    # immediate transaction mode avoids "database is locked". synchronous=NORMAL is
    # SQLite's advice for WAL: no fsync per commit (every page's audit INSERT paid one,
    # ~5-10 ms); the database stays consistent, a power cut may lose the last commits.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The open-queue index INCLUDEs columns for index-only scans on PostgreSQL; SQLite just ignores them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# APPS
INSTALLED_APPS = [
    "supportdesk.apps.SupportDeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_q",
    "channels",
    "supportdesk.apps.SupportdeskConfig",
    "tickets",
    "feedback",
    "knowledge",
    "training",
    "workforce",
    "privacy",
    "devdata",
]

# AUTHENTICATION
AUTH_USER_MODEL = "supportdesk.User"
AUTHENTICATION_BACKENDS = [
    "supportdesk.kit.auth_backends.OneQueryModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/portal/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: customers sign in by email, staff by email or username; the admin login redirects here.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
MFA_TOTP_ISSUER = "SupportDesk"

# MIDDLEWARE
MIDDLEWARE = [
    "supportdesk.observability.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "supportdesk.middleware.AccountLanguageMiddleware",
    "supportdesk.middleware.UserTimezoneMiddleware",
    "supportdesk.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "supportdesk.middleware.StaffMfaMiddleware",
    "supportdesk.middleware.AnonymousPostRateLimitMiddleware",
]

# TEMPLATES
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# STATIC AND UPLOADED FILES
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Attachments and exports: filesystem, or S3 when configured (storage.py, README "Object storage").
from .storage import *  # noqa: E402, F403
from .storage import PRIVATE_STORAGE  # noqa: E402

STORAGES = {
    "default": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# ATTACHMENT LIMITS (per file) and the allow-list of types customers and agents may upload.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=10)
ATTACHMENT_ALLOWED_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".mp4": "video/mp4",
    ".zip": "application/zip",
}

# EMAIL
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SupportDesk <support@supportdesk.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# CACHE (allauth's rate limits live here; a DummyCache would disable them)
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://supportdesk"),
}

# BACKGROUND JOBS (django-q2): the ORM broker by default, Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL", default="")
Q_CLUSTER = {
    "name": "supportdesk",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 60,
    "retry": 120,
    "catch_up": False,
    "max_attempts": 5,
    "label": _("Background jobs"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
if REDIS_URL and not env("CACHE_URL", default=""):
    CACHES = {"default": redis_cache(REDIS_URL)}

# REAL TIME (Channels, live chat): the channel layer is in settings/chat.py.

# DJANGO REST FRAMEWORK (API under /api/v1/, schema at /api/schema/, docs at /api/docs/)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a bad token a 401, not a 403.
        "supportdesk.api_auth.StaffTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "supportdesk.api_auth.TokenScopePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["supportdesk.api_auth.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": env("API_THROTTLE_RATE", default="600/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "supportdesk.kit.api_errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SupportDesk API",
    "DESCRIPTION": (
        "Tickets, messages, attachments and customers for the wallet app and staff integrations. "
        "Authentication: session (portal JavaScript, with CSRF), `Authorization: Bearer sdt_...` staff tokens "
        "(read or write scope), or `X-App-Key` + `X-Customer-Token` (HS256 JWT from the wallet backend) "
        "for in-app feedback. Help-centre articles and survey links need no authentication. "
        'Errors: {"error": {"status", "code", "message", "fields"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # supportdesk.kit.converters.IdConverter ("<id:pk>"): a bounded integer
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}},
    # Several apps have a "kind" or "status" choice set; name each enum after its model's choices.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.Status",
        "ArticleKindEnum": "knowledge.models.ArticleKind",
        "QuestionKindEnum": "feedback.models.QuestionKind",
        "RemedyKindEnum": "tickets.complaints.models.RemedyKind",
        "SuggestionStatusEnum": "feedback.models.SuggestionStatus",
        "RemedyStatusEnum": "tickets.complaints.models.RemedyStatus",
    },
}

# SECURITY
# Content-Security-Policy (django-csp): scripts and styles only from our own static files or inline blocks that
# carry the per-response nonce ({{ CSP_NONCE }}); no 'unsafe-inline', no style attributes. The one hash is the
# inline <style> Django's own admin/change_list.html adds to changelists without actions
# (tests/e2e/test_csp.py fails if a Django upgrade changes that block).
DJANGO_CHANGELIST_STYLE_HASH = "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, DJANGO_CHANGELIST_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The load balancers / reverse proxies in front of the site (IPs or CIDR networks, comma-separated). Only these
# are believed about X-Forwarded-For; with none, the peer address is the client (supportdesk.kit.client_ip).
# Every rate limit (DRF throttles, allauth, the bot, anonymous forms) uses that one answer.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# /healthz tells anonymous callers only "ok"/"unavailable"; monitors sending this in X-Health-Token see details.
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN", default="")
# Customer tokens (JWT) from the wallet backend: audience and issuer they must name, and their longest life.
APP_TOKEN_AUDIENCE = env("APP_TOKEN_AUDIENCE", default="supportdesk")
APP_TOKEN_ISSUER = env("APP_TOKEN_ISSUER", default="wallet-backend")
APP_TOKEN_MAX_LIFETIME_SECONDS = env.int("APP_TOKEN_MAX_LIFETIME_SECONDS", default=15 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# LOGGING
# Every record reaches the root handler, whose filter removes codes, tokens, signed links and wallet secrets
# (supportdesk.log_redaction): Django's own loggers are pointed at it instead of their default handlers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": LOG_FILTERS,
    "formatters": LOG_FORMATTERS,
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": [*LOG_FILTERS]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# EMAIL CHANNEL (issue 5): SUPPORT_EMAIL_* and IMAP_* (supportdesk.settings.email_channel).
from .email_channel import *  # noqa: E402, F403

# Suggests a category and team for triage (tickets.services.classifier): a dotted path to the class.
TICKETS_CLASSIFIER = env("TICKETS_CLASSIFIER", default="tickets.services.classifier.KeywordClassifier")
# FEEDBACK: SURVEYS, SUGGESTIONS, REPORTS (issue 8)
# Absolute address of the site, for links in emails (survey invitations).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
FEEDBACK_SURVEY_LINK_DAYS = env.int("FEEDBACK_SURVEY_LINK_DAYS", default=28)
# At most one survey per customer in this many days (0: no limit).
FEEDBACK_SURVEY_THROTTLE_DAYS = env.int("FEEDBACK_SURVEY_THROTTLE_DAYS", default=7)
# An overall rating at or below this opens a follow-up for the team's supervisor.
FEEDBACK_LOW_SCORE_THRESHOLD = env.int("FEEDBACK_LOW_SCORE_THRESHOLD", default=2)
# Scorecard flags: top performers have at least this CSAT %; training candidates average below
# this on some dimension; both need this many answers to be judged at all.
FEEDBACK_TOP_PERFORMER_CSAT = env.float("FEEDBACK_TOP_PERFORMER_CSAT", default=90.0)
FEEDBACK_TRAINING_THRESHOLD = env.float("FEEDBACK_TRAINING_THRESHOLD", default=3.5)
FEEDBACK_SCORECARD_MIN_RESPONSES = env.int("FEEDBACK_SCORECARD_MIN_RESPONSES", default=5)
# PORTAL AND CUSTOMER ACCOUNTS (issue 4)
# Portal users are linked to their Customer record by verified email (supportdesk.account_adapter).
ACCOUNT_ADAPTER = "supportdesk.account_adapter.PortalAccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "/portal/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SupportDesk] "
ACCOUNT_RATE_LIMITS = {
    # Failed logins per client IP (staff and customers: the admin signs in through allauth too). Per account
    # there is no lock-out, which would lock the real user out: supportdesk.login_guard slows guesses instead.
    "login_failed": "10/m/ip,60/h/ip",
    # The public contact form (/portal/contact/): per IP and per email address.
    "portal_contact": "10/h/ip,3/h/key",
    # The FAQ bot's hand-off by email (/portal/help/bot/handoff/email/): per IP and per email address,
    # and per visitor session.
    "bot_handoff": "10/h/ip,3/h/key",
    "bot_handoff_session": "3/h/key",
    # Questions to the FAQ bot (/portal/help/bot/ask/): per client IP and per visitor session.
    "bot_ask": "30/m/ip,300/h/ip",
    "bot_ask_session": "20/m/key",
    # Every other anonymous POST outside the API and the account pages (supportdesk.middleware).
    "anonymous_post": "30/m/ip,300/h/ip",
    # Channel webhooks (/connectors/…) have their own budget: Telegram and Twilio post every customer message
    # from a few addresses of theirs, far above the anonymous-form limit; each request is signature-checked
    # before anything is read or stored, so this only caps what a forger can make us hash.
    "connector_webhook": "1200/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
# Staff in these roles (auth group names) and superusers must set up TOTP or a security key before they reach
# the admin or get an API token; other staff (agents) may. Names of roles not yet created are simply unused.
STAFF_MFA_REQUIRED_ROLES = env.list(
    "STAFF_MFA_REQUIRED_ROLES", default=["Supervisor", "Administrator", "Security officer"]
)
STAFF_MFA_REQUIRED_FOR_SUPERUSERS = env.bool("STAFF_MFA_REQUIRED_FOR_SUPERUSERS", default=True)
# Staff API tokens expire this many days after creation unless the administrator picks a date (0: never).
STAFF_API_TOKEN_DAYS = env.int("STAFF_API_TOKEN_DAYS", default=90)
# Per-account sign-in guard (supportdesk.login_guard): after this many failed attempts within the window, each
# further attempt from an address that never signed in to the account waits twice as long as the one before
# (from the base delay up to the maximum); the owner is told by email once per window.
LOGIN_GUARD_FREE_FAILURES = env.int("LOGIN_GUARD_FREE_FAILURES", default=5)
LOGIN_GUARD_BASE_DELAY_SECONDS = env.int("LOGIN_GUARD_BASE_DELAY_SECONDS", default=2)
LOGIN_GUARD_MAX_DELAY_SECONDS = env.int("LOGIN_GUARD_MAX_DELAY_SECONDS", default=15 * 60)
LOGIN_GUARD_WINDOW_SECONDS = env.int("LOGIN_GUARD_WINDOW_SECONDS", default=24 * 60 * 60)
# A customer may reopen a solved request for this many days; after that they open a new one.
PORTAL_REOPEN_WINDOW_DAYS = env.int("PORTAL_REOPEN_WINDOW_DAYS", default=7)
# How long the confirmation link of a contact-form request or a bot hand-off stays valid (seconds).
PORTAL_CONTACT_LINK_MAX_AGE = env.int("PORTAL_CONTACT_LINK_MAX_AGE", default=3 * 24 * 60 * 60)
PORTAL_PAGE_SIZE = 20
# WALLET SAFETY (issue 10)
# Verification codes: lifetime, wrong codes before lock-out, codes an agent may request per ticket and hour.
SAFETY_VERIFICATION_TTL_SECONDS = 600
SAFETY_VERIFICATION_MAX_FAILURES = 5
SAFETY_VERIFICATION_REQUESTS_PER_HOUR = 3
# SOCIAL AND PHONE CHANNELS (issue 25): CONNECTORS and the CONNECTOR_* limits (supportdesk.settings.connectors).
from .connectors import *  # noqa: E402, F403
from .connectors import CONNECTORS  # noqa: E402

# Dotted path of the SMS backend class (`send(phone, text)`) for verification codes: the SMS connector when
# one is configured, otherwise the log.
SAFETY_SMS_BACKEND = env(
    "SAFETY_SMS_BACKEND",
    default="tickets.connectors.sms.ConnectorSmsBackend" if "sms" in CONNECTORS else "tickets.safety.sms.LogSmsBackend",
)
# Account-sensitive actions (tickets.safety.services.sensitive) need a verification this recent.
SAFETY_SENSITIVE_ACTION_WINDOW_MINUTES = env.int("SAFETY_SENSITIVE_ACTION_WINDOW_MINUTES", default=30)
# Impersonator reports and contact checks accepted per client IP and hour on /portal/verify/.
SAFETY_REPORTS_PER_HOUR = env.int("SAFETY_REPORTS_PER_HOUR", default=5)
# COMPLAINTS (issue 7)
# Hours each working stage may take before the complaint shows as overdue; the
# awaiting-confirmation stage is bounded by the follow-up window below instead.
COMPLAINT_STAGE_DUE_HOURS = {
    "intake": env.int("COMPLAINT_INTAKE_HOURS", default=24),
    "investigation": env.int("COMPLAINT_INVESTIGATION_HOURS", default=72),
    "resolution_proposed": env.int("COMPLAINT_RESOLUTION_HOURS", default=48),
    "reopened": env.int("COMPLAINT_REOPENED_HOURS", default=24),
}
# Four-eyes: a money remedy whose amount is ABOVE the threshold of its asset needs
# approval (tickets.approve_remedy) by someone other than the proposer. Assets not
# listed use the default; "0" means every amount needs approval.
COMPLAINT_REMEDY_APPROVAL_THRESHOLDS = {
    "USD": "100",
    "USDT": "100",
    "USDC": "100",
    "ETH": "0.05",
    "BTC": "0.002",
    "TRX": "1000",
}
COMPLAINT_REMEDY_DEFAULT_THRESHOLD = env("COMPLAINT_REMEDY_DEFAULT_THRESHOLD", default="0")
# The threshold applies to running totals, not to single lines: the complaint's money remedies in
# one asset (rejected ones aside), and the customer's over all complaints in the last N days.
COMPLAINT_REMEDY_CUSTOMER_WINDOW_DAYS = env.int("COMPLAINT_REMEDY_CUSTOMER_WINDOW_DAYS", default=30)
# Follow-up after the resolution is communicated: a reminder after N days, and the
# complaint closes as unconfirmed after M days (the confirmation link expires then too).
COMPLAINT_REMINDER_AFTER_DAYS = env.int("COMPLAINT_REMINDER_AFTER_DAYS", default=3)
COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS = env.int("COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS", default=7)
# KNOWLEDGE BASE, MACROS AND FAQ BOT (issue 9)
# Video tutorials embed players only from these hosts (https), in a sandboxed iframe.
KNOWLEDGE_VIDEO_HOSTS = env.list(
    "KNOWLEDGE_VIDEO_HOSTS",
    default=["www.youtube.com", "youtube.com", "youtu.be", "vimeo.com", "player.vimeo.com", "player.bilibili.com"],
)
CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"] = [f"https://{host}" for host in KNOWLEDGE_VIDEO_HOSTS]
# The bot answers when at least this share of the question's words is found in the best article.
KNOWLEDGE_BOT_CONFIDENCE = env.float("KNOWLEDGE_BOT_CONFIDENCE", default=0.5)
# Help-centre search: the last, loosest pass (any word anywhere) ranks at most this many translations.
KNOWLEDGE_SEARCH_MAX_CANDIDATES = env.int("KNOWLEDGE_SEARCH_MAX_CANDIDATES", default=1000)
# TRAINING AND STAFFING (issue 11): TRAINING_* and STAFFING_* (supportdesk.settings.workforce).
# LIVE DESK (issue 21, README "Live chat"): the widget, its sockets, the agents' console, staff notifications
# and collision detection (supportdesk.settings.chat).
# PROGRESS UPDATES AND REMINDERS (issue 24): FOLLOW_UP_* (supportdesk.settings.followup).
from .chat import *  # noqa: E402, F403
from .followup import *  # noqa: E402, F403
from .workforce import *  # noqa: E402, F403

ACCOUNT_RATE_LIMITS["chat_start"] = "10/h/ip"


# ON-CHAIN LOOKUP (issue 24): providers per chain, timeouts, caching, re-checks (supportdesk.settings.onchain).
from .onchain import *  # noqa: E402, F403

# ATTACHMENT PREVIEWS (issue 24): thumbnail size and decoding limits (README "Attachment previews").
from .previews import *  # noqa: E402, F403

# PRIVACY (issue 26): encryption keys, erasure, exports, retention, notice (README "Privacy").
from .privacy import *  # noqa: E402, F403

STORAGES["encrypted"] = ENCRYPTED_STORAGE if ENCRYPT_FILES else STORAGES[ENCRYPTED_STORAGE["OPTIONS"]["inner"]]  # noqa: F405

# TRENDS (issue 24 item 9): hot topics by week, suggestion groups (README "Trends").
from .trends import *  # noqa: E402, F403
