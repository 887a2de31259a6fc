"""Developer machine settings: `make run` uses these."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Demo accounts are only ever created with these settings (seed_demo refuses otherwise).
SEED_DEMO_ALLOWED = True

# `make run` starts the web server and the worker as two processes: a cache on disk is shared by both, so
# /healthz counts the running cluster (django-q2 keeps its statistics in the cache) and login rate limits
# hold across them. CACHE_URL (e.g. rediscache://…) replaces it.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{BASE_DIR / '.cache'}")}  # noqa: F405
