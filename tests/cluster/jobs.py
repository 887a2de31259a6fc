"""Task functions the cluster's django-q2 workers run in tests: each run leaves a mark in Redis."""

import os
import time

import redis
from django.conf import settings


def record_run(key: str, seconds: float = 0.0) -> int:
    """Count one execution of `key` and note which worker process ran it."""
    connection = redis.Redis.from_url(settings.REDIS_URL)
    time.sleep(seconds)
    connection.sadd(f"test:workers:{key}", os.getpid())
    return connection.incr(f"test:runs:{key}")
