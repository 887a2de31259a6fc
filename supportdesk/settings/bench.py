"""Settings for `make bench`: the benchmark's own database, never the dev or test one.

The seeder wipes the ticket tables before it loads millions of rows, so this
module ignores DATABASE_URL altogether: SQLite `bench/bench.sqlite3` by default,
PostgreSQL when BENCH_DATABASE_URL is set. Pointing BENCH_DATABASE_URL at the
same database as DATABASE_URL is refused.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
# The in-process test client sends Host: testserver.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

BENCH_DIR = BASE_DIR / "bench"
BENCH_DATABASE_URL = env("BENCH_DATABASE_URL", default=f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
if env("DATABASE_URL", default="") == BENCH_DATABASE_URL:
    raise ImproperlyConfigured("BENCH_DATABASE_URL must not be the development DATABASE_URL: the bench wipes it.")
DATABASES = {"default": env.db_url_config(BENCH_DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    BENCH_DIR.mkdir(exist_ok=True)
    # As supportdesk.settings.base: the bench measures the configuration the project ships.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections as supportdesk.settings.production ships them: otherwise a worker that enqueues jobs
# through the ORM broker reopens its connection for every job it enqueues, and the chat bench's servers open a new
# PostgreSQL connection for every socket frame's database work (Channels closes a thread's connection after each
# call when CONN_MAX_AGE is 0) — costs no deployment pays.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The bench's synthetic staff sign in with a forced session and use API tokens; two-factor authentication
# changes how they would sign in, not the pages measured, so the bench's own users need none.
STAFF_MFA_REQUIRED_ROLES = []
STAFF_MFA_REQUIRED_FOR_SUPERUSERS = False
# Only these settings (and the test settings) let `manage.py bench` seed and measure.
BENCH_ALLOWED = True
