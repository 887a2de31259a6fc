"""A production-shaped cluster on this machine: nginx in front of web processes, django-q2 workers, shared
PostgreSQL and Redis. `make cluster` runs it until Ctrl-C; tests/cluster starts it from fixtures.

Every process uses the production settings and listens on a free loopback port; nginx (from Debian) balances
round-robin and names the upstream that answered in `X-Upstream`. Servers the tests need to stop and start
again (their own redis-server, a throwaway PostgreSQL cluster) are here too. Nothing here imports Django.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
POSTGRES_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = STARTUP_SECONDS, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before listening on {port}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def group_members(pgid: int) -> list[int]:
    """The processes (zombies too) still in process group `pgid`."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def stop(process: subprocess.Popen, *, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Stop a process we started and everything in its process group (gunicorn and qcluster have children).

    A graceful signal goes to the leader alone, which stops its own children in order (gunicorn its workers,
    run_worker its qcluster, qcluster its worker processes). Sent to the whole group, qcluster's children got
    it too and died under their parent, which then hung until the SIGKILL 10 s later, and the killed children,
    orphaned, stayed behind after stop. SIGKILL (or a leader that does not finish in time) takes the group.
    """
    if process.poll() is None:
        try:
            if sig == signal.SIGKILL:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
        except ProcessLookupError:
            process.wait(timeout=timeout)
    # Whatever is left of the group (a child that outlived its leader) goes too.
    deadline = time.monotonic() + timeout
    while group_members(process.pid) and time.monotonic() < deadline:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            break
        time.sleep(0.1)


def _spawn(args: list[str], *, env: dict[str, str] | None = None, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own binaries and interpreter, fixed arguments
        args,
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@dataclass
class RedisServer:
    """A redis-server of our own (never the shared one): it can be stopped and started on the same port."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = _spawn([*args, "--dir", str(self.workdir)], log=self.workdir / "redis.log")
        wait_for_port(self.port, timeout=10, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster (initdb + pg_ctl) on a free port, safe to stop and restart; the shared
    server on 5432 is never touched. As root, the server runs as the `postgres` system user."""

    workdir: Path
    port: int = field(default_factory=free_port)

    @property
    def bin(self) -> Path:
        return POSTGRES_BINS[-1]

    @property
    def data(self) -> Path:
        return self.workdir / "pgdata"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603

    def init(self) -> PostgresServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        return self.start()

    def start(self) -> PostgresServer:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.workdir / "postgres.log"), "-o", options, "-w", "start"
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def copy_database(self, *, source_url: str, database: str) -> str:
        """Create `database` here as a copy (schema and rows) of `source_url`: no migrations to run."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)
        dump = subprocess.Popen([str(self.bin / "pg_dump"), "--no-owner", source_url], stdout=subprocess.PIPE)  # noqa: S603
        subprocess.run(  # noqa: S603
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url(database)],
            stdin=dump.stdout,
            check=True,
            capture_output=True,
            timeout=120,
        )
        dump.wait(timeout=120)
        return self.url(database)


def django_env(*, database_url: str, redis_url: str, workdir: Path, secret_key: str, **extra: str) -> dict[str, str]:
    """The environment of every web and worker process: production settings over plain http on loopback."""
    (workdir / "media").mkdir(parents=True, exist_ok=True)
    (workdir / "prometheus").mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "DJANGO_SETTINGS_MODULE": "supportdesk.settings.production",
        "DJANGO_SECRET_KEY": secret_key,
        # Production refuses to start without encryption keys; this throwaway cluster derives them from its secret.
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(
            hashlib.sha256(f"fields:{secret_key}".encode()).digest()
        ).decode(),
        "FIELD_BLIND_INDEX_KEY": hashlib.sha256(f"index:{secret_key}".encode()).hexdigest(),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SITE_URL": "https://support.cluster.invalid",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "TRUSTED_PROXIES": "127.0.0.1",
        "PRIVATE_MEDIA_ROOT": str(workdir / "media"),
        "PROMETHEUS_MULTIPROC_DIR": str(workdir / "prometheus"),
        "Q_WORKERS": "1",
        "WEB_CONCURRENCY": "1",
        **extra,
    }


NGINX_CONF = """
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    fastcgi_temp_path {workdir}/nginx-fastcgi;
    uwsgi_temp_path {workdir}/nginx-uwsgi;
    scgi_temp_path {workdir}/nginx-scgi;
    # WebSockets (chat, notifications, presence) pass through: HTTP/1.1 to the upstream with the Upgrade asked for.
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      "";
    }}
    upstream supportdesk {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://supportdesk;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            proxy_next_upstream error timeout;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@dataclass
class Cluster:
    workdir: Path
    env: dict[str, str]
    web_ports: list[int]
    nginx_port: int
    webs: list[subprocess.Popen] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def start_web(self, index: int) -> subprocess.Popen:
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.web_ports[index]}"}
        process = _spawn(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], env=env, log=self.workdir / f"web{index}.log"
        )
        return process

    def restart_workers(self) -> None:
        """SIGKILL every worker (sentinel and children: nothing is cleaned up), then start them again."""
        count = len(self.workers)
        for process in self.workers:
            stop(process, sig=signal.SIGKILL)
        self.workers = []
        for index in range(count):
            self.start_worker(index)

    def start_worker(self, index: int) -> subprocess.Popen:
        process = _spawn(
            [sys.executable, "manage.py", "run_worker"], env=self.env, log=self.workdir / f"worker{index}.log"
        )
        self.workers.append(process)
        return process

    def start(self, *, webs: int = 2, workers: int = 2) -> Cluster:
        self.webs = [self.start_web(index) for index in range(webs)]
        for index in range(workers):
            self.start_worker(index)
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in self.web_ports)
        conf = self.workdir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(workdir=self.workdir, servers=servers, port=self.nginx_port))
        user = ["-g", "daemon off; user root;"] if os.geteuid() == 0 else ["-g", "daemon off;"]
        self.nginx = _spawn([NGINX, "-c", str(conf), "-p", str(self.workdir), *user], log=self.workdir / "nginx.log")
        for port, process in zip(self.web_ports, self.webs, strict=True):
            wait_for_port(port, process=process)
        wait_for_port(self.nginx_port, timeout=10, process=self.nginx)
        return self

    def stop(self) -> None:
        """Ask every process to stop at once (its leader: see `stop`), then wait (SIGKILL for any still running
        after 10 s); nothing of the cluster is left running afterwards."""
        processes = [process for process in [self.nginx, *self.webs, *self.workers] if process is not None]
        for process in processes:
            if process.poll() is None:
                try:
                    process.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in processes:
            stop(process, timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"== {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in self.workdir.glob("*.log")
        )


def new_cluster(
    *, workdir: Path, database_url: str, redis_url: str, secret_key: str, webs: int = 2, **extra_env: str
) -> Cluster:
    workdir.mkdir(parents=True, exist_ok=True)
    env = django_env(
        database_url=database_url, redis_url=redis_url, workdir=workdir, secret_key=secret_key, **extra_env
    )
    return Cluster(workdir=workdir, env=env, web_ports=[free_port() for _ in range(webs)], nginx_port=free_port())


def collect_static(env: dict[str, str]) -> None:
    """The production static storage serves only what its manifest lists: collect before every start."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )


def main() -> None:
    """`make cluster`: DATABASE_URL and REDIS_URL from the environment, migrated first; Ctrl-C stops it all."""
    workdir = BASE_DIR / ".cluster"
    shutil.rmtree(workdir, ignore_errors=True)
    cluster = new_cluster(
        workdir=workdir,
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ["REDIS_URL"],
        secret_key=os.environ.get("DJANGO_SECRET_KEY") or os.urandom(32).hex(),
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=BASE_DIR, env=cluster.env, check=True)
    collect_static(cluster.env)
    cluster.start()
    print(f"Cluster on {cluster.url} (web {cluster.web_ports}, 2 workers; logs in {workdir}) - Ctrl-C stops it")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
