"""Liveness and readiness probe: is the database answering, is the job queue reachable.

The deep checks (cache, storage, worker heartbeat, age of the oldest queued job) are only run for staff
and monitors: a load balancer's probe costs one query and one broker ping.
"""

import logging
import uuid

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, connection
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.brokers.redis_broker import Redis
from django_q.signing import SignedPackage
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


def queue_oldest_age_seconds(broker) -> float | None:
    """Seconds the oldest waiting job has been queued (None when the queue is empty)."""
    if isinstance(broker, Redis):
        payload = broker.connection.lindex(broker.list_key, 0)
    elif isinstance(broker, ORM):
        payload = (
            broker.get_connection().filter(key=broker.list_key).order_by("pk").values_list("payload", flat=True).first()
        )
    else:
        return None
    if payload is None:
        return None
    return max((timezone.now() - SignedPackage.loads(payload)["started"]).total_seconds(), 0.0)


def cache_status() -> dict:
    """A write and a read of a unique key: the shared cache (rate limits, cluster statistics) answers."""
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache = caches["default"]
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception as error:  # noqa: BLE001 - any cache failure means "cache unavailable"
        logger.warning("health check: cache unavailable: %s", error)
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": ok, "backend": type(cache).__name__}


def storage_status() -> dict:
    """Attachments and exports can be written and removed (filesystem or object storage)."""
    storage = storages["default"]
    try:
        name = storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        storage.delete(name)
    except Exception as error:  # noqa: BLE001 - any storage failure means "storage unavailable"
        logger.warning("health check: storage unavailable: %s", error)
        return {"ok": False, "backend": type(storage).__name__, "error": error.__class__.__name__}
    return {"ok": True, "backend": type(storage).__name__}


def workers_status() -> dict:
    """django-q2 clusters refresh their statistics every few seconds (they expire after 3 s): a cluster listed
    here is alive now. No cluster means queued jobs wait."""
    try:
        broker = get_broker()
        stats = Stat.get_all(broker=broker)
        age = queue_oldest_age_seconds(broker)
    except Exception as error:  # noqa: BLE001 - any broker failure means "no heartbeat"
        logger.warning("health check: worker heartbeat unavailable: %s", error)
        return {"ok": False, "error": error.__class__.__name__}
    workers = sum(len(stat.workers) for stat in stats)
    return {"ok": bool(stats), "clusters": len(stats), "workers": workers, "oldest_job_seconds": age}
