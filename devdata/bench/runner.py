"""Run measurements: warm-up, repetitions, median / p95 / max and SQL queries per request.

Pages are fetched in-process through Django's test client (the query count comes
from CaptureQueriesContext on a separate, untimed request after the warm-up, so
that capturing does not slow the timed ones), or over HTTP against a server on the loopback
interface with the session cookie of the same seeded user.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from devdata.bench.measurements import BenchContext, Measurement

_READ = re.compile(r"^[\s(]*SELECT\b", re.IGNORECASE)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
HTTP_TIMEOUT_SECONDS = 30


class MeasurementError(RuntimeError):
    """A measured page did not answer 200: its timing would be meaningless."""


@dataclass
class Result:
    name: str
    description: str
    mode: str
    samples_ms: list[float]
    queries: int | None
    target_p95_ms: float | None = None
    path: str = ""
    cpu_samples_ms: list[float] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def cpu_median_ms(self) -> float | None:
        return statistics.median(self.cpu_samples_ms) if self.cpu_samples_ms else None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples_ms)
        # nearest-rank p95: with 20 samples it is the 19th
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]

    @property
    def max_ms(self) -> float:
        return max(self.samples_ms)

    @property
    def meets_target(self) -> bool | None:
        return None if self.target_p95_ms is None else self.p95_ms <= self.target_p95_ms

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "mode": self.mode,
            "path": self.path,
            "repetitions": len(self.samples_ms),
            "median_ms": round(self.median_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "max_ms": round(self.max_ms, 2),
            "cpu_median_ms": None if self.cpu_median_ms is None else round(self.cpu_median_ms, 2),
            "queries": self.queries,
            "target_p95_ms": self.target_p95_ms,
            "meets_target": self.meets_target,
            "samples_ms": [round(sample, 2) for sample in self.samples_ms],
            **self.extra,
        }


def _timed(
    call: Callable[[], object], repetitions: int, *, before: Callable[[], object] | None = None
) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds per call.

    CPU time is the Python side of an in-process request (the database works in
    its own process): unlike wall time it barely moves when other programs load
    the machine, so the two together tell a slow page from a busy machine.
    """
    wall, cpu = [], []
    for _repetition in range(repetitions):
        if before is not None:
            before()  # untimed set-up
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


MEMORY_SAMPLE_SECONDS = 0.005


def _rss_bytes() -> int:
    """This process's resident set size now (Linux); elsewhere its lifetime peak, the best the OS tells."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def memory_profile(call: Callable[[], object]) -> dict:
    """Peak resident memory of this process while `call` runs, sampled every few milliseconds.

    ru_maxrss alone is the peak over the whole process (seeding included), so
    it cannot tell what one export needed; a sampler thread can.
    """
    before = peak = _rss_bytes()
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(MEMORY_SAMPLE_SECONDS):
            peak = max(peak, _rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        call()
    finally:
        stop.set()
        sampler.join()
    peak = max(peak, _rss_bytes())
    megabyte = 1024 * 1024
    return {
        "rss_before_mb": round(before / megabyte, 1),
        "rss_peak_mb": round(peak / megabyte, 1),
        "rss_growth_mb": round((peak - before) / megabyte, 1),
    }


class Runner:
    """Measures every selected entry; logs each seeded user in once."""

    def __init__(self, context: BenchContext, *, repetitions: int, warmup: int, base_url: str | None = None) -> None:
        if repetitions < 1 or warmup < 0:
            raise ValueError("repetitions must be ≥ 1 and warm-up ≥ 0")
        if base_url is not None and urlsplit(base_url).hostname not in LOOPBACK_HOSTS:
            raise ValueError("The HTTP benchmark only talks to a server on the loopback interface.")
        self.context, self.repetitions, self.warmup, self.base_url = context, repetitions, warmup, base_url
        self._clients: dict[tuple[str | None, bool], Client] = {}

    def client(self, measurement: Measurement) -> Client:
        """The seeded user's client: signed in with a session, or sending their API token."""
        as_user = measurement.as_user
        key = (as_user, measurement.api_token)
        if key not in self._clients:
            if measurement.api_token:
                client = Client(headers={"Authorization": f"Bearer {self.context.api_tokens[as_user]}"})
            else:
                client = Client()
                if as_user is not None:
                    client.force_login(self.context.users[as_user])
            self._clients[key] = client
        return self._clients[key]

    def _get(self, client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise MeasurementError(f"GET {path} answered {response.status_code}, expected 200.")

    def _http_get(self, client: Client, path: str) -> None:
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        request = urllib.request.Request(self.base_url.rstrip("/") + path)  # noqa: S310 - loopback checked above
        if cookie is not None:
            request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={cookie.value}")
        for header, value in client.defaults.items():
            if header.startswith("HTTP_"):
                request.add_header(header[5:].replace("_", "-").title(), value)
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise MeasurementError(f"GET {path} over HTTP answered {status}, expected 200.")

    def measure(self, measurement: Measurement) -> Result:
        if measurement.run is not None:
            return self._measure_callable(measurement)
        client = self.client(measurement)
        path = measurement.path(self.context)
        if self.base_url is None:
            mode, fetch = "client", lambda: self._get(client, path)
        else:
            mode, fetch = "http", lambda: self._http_get(client, path)
        for _warm in range(self.warmup):
            fetch()
        # Counted after the warm-up: a process's first request also fills Django's caches (content types).
        with CaptureQueriesContext(connection) as captured:
            self._get(client, path)
        queries = len(captured.captured_queries)
        wall, cpu = _timed(fetch, self.repetitions)
        return Result(
            name=measurement.name,
            description=measurement.description,
            mode=mode,
            samples_ms=wall,
            # over HTTP the work happens in the server process: this process's CPU says nothing
            cpu_samples_ms=cpu if mode == "client" else [],
            queries=queries,
            target_p95_ms=measurement.target_p95_ms,
            path=path,
        )

    def explain(self, measurement: Measurement, *, slowest: int = 2) -> list[dict]:
        """The plans of the slowest SQL statements behind one request (EXPLAIN ANALYZE on PostgreSQL)."""
        with CaptureQueriesContext(connection) as captured:
            if measurement.run is not None:
                measurement.run(self.context)
            else:
                self._get(self.client(measurement), measurement.path(self.context))
        # Only reads: EXPLAIN ANALYZE would execute a write (a session save) a second time.
        reads = [query for query in captured.captured_queries if _READ.match(query["sql"])]
        statements = sorted(reads, key=lambda query: float(query["time"]), reverse=True)
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        plans = []
        with connection.cursor() as cursor:
            for statement in statements[:slowest]:
                cursor.execute(prefix + statement["sql"])
                plan = "\n".join(" ".join(str(column) for column in row) for row in cursor.fetchall())
                plans.append({"sql": statement["sql"], "ms": round(float(statement["time"]) * 1000, 1), "plan": plan})
        return plans

    def _measure_callable(self, measurement: Measurement) -> Result:
        def run() -> object:
            if measurement.prepare is not None:
                measurement.prepare(self.context)
            return measurement.run(self.context)

        for _warm in range(self.warmup):
            run()
        if measurement.prepare is not None:
            measurement.prepare(self.context)
        with CaptureQueriesContext(connection) as captured:
            outcome = measurement.run(self.context)
        extra = {"outcome": outcome} if isinstance(outcome, dict | int) else {}
        if measurement.memory:
            extra["memory"] = memory_profile(run)
        prepare = None if measurement.prepare is None else lambda: measurement.prepare(self.context)
        wall, cpu = _timed(lambda: measurement.run(self.context), self.repetitions, before=prepare)
        return Result(
            name=measurement.name,
            description=measurement.description,
            mode="call",
            samples_ms=wall,
            cpu_samples_ms=cpu,
            queries=len(captured.captured_queries),
            target_p95_ms=measurement.target_p95_ms,
            extra=extra,
        )


class BenchServer:
    """`runserver` on the loopback interface with the benchmark settings, for --http."""

    def __init__(self, port: int, *, settings_module: str) -> None:
        self.base_url = f"http://127.0.0.1:{port}"
        self.port, self.settings_module = port, settings_module
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> BenchServer:
        command = [
            sys.executable, str(settings.BASE_DIR / "manage.py"), "runserver", "--noreload",
            f"--settings={self.settings_module}", f"127.0.0.1:{self.port}",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + HTTP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The benchmark server exited (is port {self.port} free?).")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2):  # noqa: S310 - loopback
                    return self
            except urllib.error.HTTPError:
                return self  # answering at all (even 503 without a job worker) is enough
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"The benchmark server did not answer on port {self.port}.")

    def __exit__(self, *exc_info) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
