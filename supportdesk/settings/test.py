"""Settings for pytest (`make test`)."""

import tempfile

from .base import *  # noqa: F403
from .base import Q_CLUSTER, STORAGES

SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# django-q2 reads Q_CLUSTER once at import: the queue runs inline in tests.
Q_CLUSTER["sync"] = True
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="supportdesk-test-media-")
STORAGES["default"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT
SEED_DEMO_ALLOWED = True
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
LANGUAGE_CODE = "en"
# Most tests sign staff in with force_login and no authenticator; the MFA tests turn the requirement on.
STAFF_MFA_REQUIRED_ROLES = []
STAFF_MFA_REQUIRED_FOR_SUPERUSERS = False
