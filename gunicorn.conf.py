"""gunicorn settings for `make serve`, the Docker image and `make cluster`.

gunicorn manages the processes (restarts a crashed worker, graceful reloads on HUP); each worker is a uvicorn
event loop running supportdesk.asgi, so the same server carries HTTP now and websockets once Channels routes
them. Request lines are logged by Django (supportdesk.observability, JSON), not by gunicorn's access log.
"""

import multiprocessing
import os

wsgi_app = "supportdesk.asgi:application"
worker_class = "uvicorn_worker.UvicornWorker"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core is right for a Django app that waits on PostgreSQL; WEB_CONCURRENCY overrides.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
# A worker is killed and replaced after this many seconds without answering; uvicorn finishes requests in
# flight for graceful_timeout seconds on a reload or shutdown.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = None
errorlog = "-"
# The load balancer terminates TLS; X-Forwarded-Proto from these addresses is believed (settings also need
# TRUSTED_PROXIES for client addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """Prometheus multiprocess mode: a dead worker's live gauges must not be summed any more."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
