"""Developer machine settings: `make run` uses these."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Demo accounts are only ever created with these settings (seed_demo refuses otherwise).
SEED_DEMO_ALLOWED = True
