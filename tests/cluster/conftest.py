"""The cluster suite: nginx, two web processes and two django-q2 workers on PostgreSQL and Redis (devdata.cluster).

Runs only on PostgreSQL (the processes share pytest's test database, so nothing is migrated twice); on SQLite
it is skipped. A missing nginx, redis-server or PostgreSQL binaries skip it, unless E2E_REQUIRED is set (CI):
then that is an error. Tests using the cluster are marked `cluster`; the fault tests also `fault`.
"""

import os
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.signing import SignedPackage

from devdata import cluster as topology
from tests.mailservers import Mailbox, start_smtp

BINARIES = {"nginx": topology.NGINX, "redis-server": topology.REDIS_SERVER}


def pytest_collection_modifyitems(config, items):
    missing = [name for name, path in BINARIES.items() if not Path(path).exists()]
    if not topology.POSTGRES_BINS:
        missing.append("postgresql (initdb, pg_ctl)")
    if not missing:
        return
    if os.environ.get("E2E_REQUIRED"):
        raise pytest.UsageError(f"E2E_REQUIRED is set but the cluster suite lacks {', '.join(missing)}")
    skip = pytest.mark.skip(reason=f"cluster skipped: {', '.join(missing)} not installed (apt-get install nginx-light)")
    for item in items:
        if "cluster" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def cluster_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cluster")
    path.chmod(0o755)
    return path


@pytest.fixture(scope="session")
def database_url(django_db_setup, django_db_blocker) -> str:
    if connection.vendor != "postgresql":
        pytest.skip("the cluster shares a PostgreSQL database (run with DATABASE_URL=postgres://…)")
    with django_db_blocker.unblock():
        params = connection.get_connection_params()
    user = params.get("user") or "postgres"
    password = f":{params['password']}" if params.get("password") else ""
    host, port = params.get("host") or "127.0.0.1", params.get("port") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['dbname']}"


@pytest.fixture(scope="session")
def redis_server(cluster_dir):
    server = topology.RedisServer(workdir=cluster_dir).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cluster_mailbox():
    """The SMTP server the cluster's workers deliver to."""
    mailbox = Mailbox()
    controller = start_smtp(mailbox)
    yield mailbox, controller.port
    controller.stop()


@pytest.fixture(scope="session")
def running_cluster(database_url, redis_server, cluster_dir, cluster_mailbox):
    """Two web processes and two workers behind nginx, for the whole session (they only read what tests commit).
    A worker's hold on a mail it sends lasts 3 s instead of 10 min, so the kill test need not wait."""
    cluster = topology.new_cluster(
        workdir=cluster_dir,
        database_url=database_url,
        redis_url=redis_server.url,
        secret_key=settings.SECRET_KEY,
        EMAIL_URL=f"smtp://127.0.0.1:{cluster_mailbox[1]}",
        SUPPORT_EMAIL_SEND_LEASE_SECONDS="3",
    )
    topology.collect_static(cluster.env)
    try:
        cluster.start()
    except (RuntimeError, TimeoutError):
        cluster.stop()
        pytest.fail(f"the cluster did not start:\n{cluster.logs()}")
    yield cluster
    cluster.stop()


@pytest.fixture
def cluster(running_cluster, transactional_db, redis_server, cluster_mailbox):
    """The running cluster; tests write committed rows (transactional_db) the processes can see."""
    redis.Redis.from_url(redis_server.url).delete(*_test_keys(redis_server) or ["none"])
    mailbox = cluster_mailbox[0]
    mailbox.stall, mailbox.refuse, mailbox.watch = 0.0, 0, ""
    mailbox.receiving.clear()
    return running_cluster


def until(condition, *, timeout: float, step: float = 0.2):
    """Poll `condition` until it is truthy or `timeout` seconds passed; its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def _test_keys(server) -> list:
    return list(redis.Redis.from_url(server.url).scan_iter("test:*"))


def enqueue(redis_url: str, func: str, *args) -> str:
    """Put a job on the cluster's Redis queue exactly as django_q.tasks.async_task does (same signing key)."""
    task_id = uuid.uuid4().hex
    task = {"id": task_id, "name": task_id, "func": func, "args": args, "kwargs": {}, "started": timezone.now()}
    redis.Redis.from_url(redis_url).rpush("django_q:supportdesk:q", SignedPackage.dumps(task))
    return task_id
