"""`make loadtest`: start the cluster (nginx, 2 web processes, 2 workers; devdata/cluster.py) on DATABASE_URL
(PostgreSQL) with a redis-server of its own, seed it, then run each locust scenario for its share of the time
budget and report throughput and p95 per scenario (printed, and written to bench/results/loadtest-*.json).

Loopback only; bounded: `--seconds` (default 60) is split between the scenarios, plus seeding and start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import gevent
from locust.env import Environment

from devdata import cluster as topology
from devdata.loadtest.scenarios import SCENARIOS, MailArrival, Seeded

USERS = {"api": 16, "portal": 20, "agents": 6, "mail": 2}
MAIL_DRAIN_SECONDS = 20
STOP_SECONDS = 30


def _manage(env: dict[str, str], *args: str, timeout: float = 600) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=topology.BASE_DIR, env=env, check=True, timeout=timeout)  # noqa: S603


def _wait_healthy(url: str, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url}/healthz did not answer 200 within {timeout} s")


def run_scenario(name: str, *, host: str, users: int, seconds: float) -> dict:
    # At the end, a task in flight may finish (up to STOP_SECONDS): its requests count, over the longer time.
    environment = Environment(user_classes=[SCENARIOS[name]], host=host, stop_timeout=STOP_SECONDS)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=users)
    gevent.sleep(seconds)
    runner.stop()  # returns once every user has finished its task, or after STOP_SECONDS
    runner.quit()
    elapsed = time.monotonic() - started
    entries = {
        entry.name: {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "per_second": round(entry.num_requests / elapsed, 1),
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
        }
        for entry in environment.stats.entries.values()
    }
    total = environment.stats.total
    errors = [
        f"{error.occurrences}× {error.method} {error.name}: {error.error}"
        for error in environment.stats.errors.values()
    ]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "per_second": round(total.num_requests / elapsed, 1),
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "entries": entries,
        "errors": errors[:5],
    }


def _mail_report(env: dict[str, str], workdir: Path, *, redis_url: str) -> dict:
    import redis

    queue = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + MAIL_DRAIN_SECONDS
    while queue.llen("django_q:supportdesk:q") and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1)  # the last jobs taken off the queue finish
    pushes = workdir / "mail-pushes.json"
    pushes.write_text(json.dumps(MailArrival.pushes))
    out = workdir / "mail-report.json"
    _manage(env, "loadtest_data", "mail-report", "--pushes", str(pushes), "--out", str(out))
    return json.loads(out.read_text())


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def table(results: dict) -> str:
    lines = [f"{'scenario / request':48} {'users':>5} {'req':>6} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"]
    for name, result in results.items():
        if "entries" not in result:
            continue
        lines.append(
            f"{name:48} {result['users']:>5} {result['requests']:>6} {result['failures']:>5} "
            f"{result['per_second']:>7} {result['p50_ms']:>7} {result['p95_ms']:>7}"
        )
        for entry, figures in sorted(result["entries"].items()):
            lines.append(
                f"  {entry:46} {'':>5} {figures['requests']:>6} {figures['failures']:>5} "
                f"{figures['per_second']:>7} {figures['p50_ms']:>7} {figures['p95_ms']:>7}"
            )
    mail = results.get("mail", {}).get("end_to_end")
    if mail:
        lines.append(
            f"mail end to end (queued → processed): {mail.get('processed', 0)}/{mail['pushed']} processed, "
            f"{mail.get('per_second')} mails/s, p50 {mail.get('p50_ms')} ms, p95 {mail.get('p95_ms')} ms"
        )
    return "\n".join(lines)


def run_scenarios(*, host: str, scenarios: list[str], users: dict[str, int], seconds: float, mail_report=None) -> dict:
    results: dict = {}
    for name in scenarios:
        print(f"== {name}: {users[name]} users for {seconds / len(scenarios):.0f} s", flush=True)
        _wait_healthy(host)  # the previous scenario's last requests are answered first
        results[name] = run_scenario(name, host=host, users=users[name], seconds=seconds / len(scenarios))
        if name == "mail" and mail_report is not None:
            results[name]["end_to_end"] = mail_report()
    return results


def write_report(results: dict, *, before: dict, topology_text: str, database: str, directory: Path) -> Path:
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database,
        "topology": topology_text,
        "machine_before": before,
        "machine_after": machine(),
        "results": results,
    }
    print(table(results))
    after = report["machine_after"]
    print(f"machine: {after['cpus']} CPUs, load average before {before['load_average']}, after {after['load_average']}")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"loadtest-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"written to {path}")
    return path


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOADTEST_SECONDS", 60)))
    parser.add_argument("--scenarios", default=os.environ.get("LOADTEST_SCENARIOS", ",".join(SCENARIOS)))
    parser.add_argument("--users", default="", help=f"e.g. api=32,portal=10 (defaults: {USERS})")
    parser.add_argument("--web-concurrency", default="1", help="gunicorn workers per web process (2 web processes)")
    parser.add_argument("--workdir", type=Path, default=topology.BASE_DIR / ".loadtest")
    parser.add_argument("--results", type=Path, default=topology.BASE_DIR / "bench" / "results")
    parser.add_argument("--host", help="a running site (e.g. `make cluster`) instead of starting one; needs --seed")
    parser.add_argument("--seed", type=Path, help="with --host: the JSON of `manage.py loadtest_data seed`")
    args = parser.parse_args(argv)
    scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    users = {**USERS, **{k: int(v) for k, v in (item.split("=") for item in args.users.split(",") if item)}}

    if args.host:
        Seeded.data = json.loads(args.seed.read_text())
        before = machine()
        results = run_scenarios(host=args.host, scenarios=scenarios, users=users, seconds=args.seconds)
        return write_report(results, before=before, topology_text=args.host, database="", directory=args.results)

    database_url = os.environ["DATABASE_URL"]
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    redis_server = topology.RedisServer(workdir=args.workdir).start()
    cluster = topology.new_cluster(
        workdir=args.workdir,
        database_url=database_url,
        redis_url=redis_server.url,
        secret_key=os.environ.get("DJANGO_SECRET_KEY") or os.urandom(32).hex(),
        EMAIL_URL="dummymail://",
        API_THROTTLE_RATE="1000000/min",
        WEB_CONCURRENCY=args.web_concurrency,
    )
    try:
        _manage(cluster.env, "migrate", "--noinput", "--verbosity", "0")
        # collectstatic as devdata.cluster does, with room for a busy machine.
        _manage(cluster.env, "collectstatic", "--noinput", "--verbosity", "0", timeout=1200)
        seed_file = args.workdir / "seed.json"
        _manage(cluster.env, "loadtest_data", "seed", "--out", str(seed_file))
        Seeded.data = json.loads(seed_file.read_text())
        MailArrival.redis_url = redis_server.url
        cluster.start()
        _wait_healthy(cluster.url)
        before = machine()
        results = run_scenarios(
            host=cluster.url,
            scenarios=scenarios,
            users=users,
            seconds=args.seconds,
            mail_report=lambda: _mail_report(cluster.env, args.workdir, redis_url=redis_server.url),
        )
    finally:
        cluster.stop()
        redis_server.stop()
    host = database_url.split("@")[-1].split("/")[0]
    return write_report(
        results,
        before=before,
        topology_text=f"nginx, 2 web processes × {args.web_concurrency} gunicorn worker(s), 2 django-q2 workers",
        database=f"PostgreSQL at {host}" if database_url.startswith("postgres") else database_url.split(":")[0],
        directory=args.results,
    )


if __name__ == "__main__":
    main()
