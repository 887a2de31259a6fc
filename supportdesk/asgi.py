"""The ASGI entry point `make serve` runs (gunicorn with uvicorn workers, see gunicorn.conf.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings.production")

application = get_asgi_application()
