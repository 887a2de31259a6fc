"""Production settings: no secret key, no start; with one, `check --deploy` is clean.

Each check runs in a fresh interpreter with a clean environment, since settings
are read once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PRODUCTION = "supportdesk.settings.production"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **KEYS, **env}  # noqa: S108
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, *args], cwd=settings.BASE_DIR, env=clean_env, capture_output=True, text=True, timeout=120
    )


SECRET = "k3!x" + "7fQ9zR2mW8pL4vN6tY1uB5cD0eH3jK" * 2
# Production refuses to start without field-encryption keys (a Fernet key, an HMAC key): every run passes them.
KEYS = {"FIELD_ENCRYPTION_KEYS": "l1ZQ0JcM0pGmTq2Q8c8o7bqQm1d6Yc3y2b2s3e9v0kE=", "FIELD_BLIND_INDEX_KEY": "index" * 8}


def test_production_settings_refuse_to_import_without_a_secret_key(tmp_path):
    result = run(
        "-c",
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_pass_check_deploy_with_a_secret_key(tmp_path):
    result = run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="support.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SITE_URL="https://support.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_field_encryption_keys(tmp_path):
    common = {
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "DJANGO_SECRET_KEY": SECRET,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SITE_URL": "https://support.example.com",
    }
    no_keys = run("-c", "import django; django.setup()", **common, FIELD_ENCRYPTION_KEYS="", FIELD_BLIND_INDEX_KEY="")
    no_index = run("-c", "import django; django.setup()", **common, FIELD_BLIND_INDEX_KEY="")
    not_fernet = run("-c", "import django; django.setup()", **common, FIELD_ENCRYPTION_KEYS="not-a-key")

    for result in (no_keys, no_index):
        assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS and FIELD_BLIND_INDEX_KEY" in result.stderr
    assert not_fernet.returncode != 0 and "not a Fernet key" in not_fernet.stderr


PRINT_PRODUCTION = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps({name: getattr(settings, name) for name in "
    "('SITE_URL', 'LANGUAGE_COOKIE_SECURE', 'SAFETY_SMS_BACKEND', 'STAFF_API_TOKEN_DAYS')}))"
)


def production(tmp_path, code: str = PRINT_PRODUCTION, **env: str) -> subprocess.CompletedProcess:
    return run(
        "-c",
        code,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=SECRET,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    )


def test_production_requires_an_https_site_url(tmp_path):
    missing = production(tmp_path)
    plain_http = production(tmp_path, SITE_URL="http://support.example.com")

    assert missing.returncode != 0
    assert "SITE_URL" in missing.stderr
    assert plain_http.returncode != 0
    assert "https://" in plain_http.stderr


def test_production_cookies_codes_and_tokens(tmp_path):
    result = production(tmp_path, SITE_URL="https://support.example.com/")
    logging_sms = production(
        tmp_path, SITE_URL="https://support.example.com", SAFETY_SMS_BACKEND="tickets.safety.sms.LogSmsBackend"
    )

    assert json.loads(result.stdout) == {
        "SITE_URL": "https://support.example.com",
        "LANGUAGE_COOKIE_SECURE": True,
        "SAFETY_SMS_BACKEND": "tickets.safety.sms.UnconfiguredSmsBackend",
        "STAFF_API_TOKEN_DAYS": 90,
    }
    assert logging_sms.returncode != 0
    assert "LogSmsBackend" in logging_sms.stderr


PRINT_CACHE = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.CACHES['default']))"
)


def test_the_local_cache_is_a_file_cache_web_and_worker_share():
    """`make run` starts web and worker as two processes; /healthz counts clusters through this cache."""
    result = run("-c", PRINT_CACHE, DJANGO_SETTINGS_MODULE="supportdesk.settings.local")

    cache = json.loads(result.stdout)
    assert cache["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert Path(cache["LOCATION"]) == Path(settings.BASE_DIR) / ".cache"


def test_cache_url_replaces_the_local_file_cache():
    result = run("-c", PRINT_CACHE, DJANGO_SETTINGS_MODULE="supportdesk.settings.local", CACHE_URL="locmemcache://x")

    assert json.loads(result.stdout)["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


PRINT_CONNECTIONS = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default']['CONN_MAX_AGE']))"
)


def test_production_web_processes_open_a_connection_per_request_unless_told_otherwise(tmp_path):
    """Under the ASGI server a kept connection belongs to an executor thread; kept by default they exhausted
    PostgreSQL's max_connections under `make loadtest` (every request a 500, /healthz 503)."""
    default = production(tmp_path, PRINT_CONNECTIONS, SITE_URL="https://support.example.com")
    chosen = production(tmp_path, PRINT_CONNECTIONS, SITE_URL="https://support.example.com", CONN_MAX_AGE="30")

    assert (json.loads(default.stdout), json.loads(chosen.stdout)) == (0, 30)
