"""Liveness and readiness probe: is the database answering, is the job queue reachable."""

import logging

from django.db import DatabaseError, connection
from django_q.brokers import get_broker
from django_q.status import Stat

logger = logging.getLogger(__name__)


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check: database unavailable: %s", error)
        return {"ok": False, "vendor": connection.vendor, "error": error.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def queue_status() -> dict:
    """Broker reachability, queued tasks and running worker clusters (0 if no qcluster runs)."""
    try:
        broker = get_broker()
        reachable = bool(broker.ping())
        queued = broker.queue_size() if reachable else None
        clusters = len(Stat.get_all(broker=broker)) if reachable else 0
    except Exception as error:  # noqa: BLE001 - any broker failure means "queue unavailable"
        logger.warning("health check: queue unavailable: %s", error)
        return {"ok": False, "broker": type(get_broker()).__name__, "error": error.__class__.__name__}
    return {"ok": reachable, "broker": type(broker).__name__, "queued": queued, "clusters": clusters}
