"""A real IMAP server for tests: Dovecot (Debian's dovecot-imapd) on a free loopback port, IMAPS with a
throwaway certificate, one mailbox in a temporary Maildir; and a TCP relay that can cut the connection.

Nothing here imports Django: the tests (and `manage.py bench_ingest`) connect the product's poller to it
through `poll_mailbox(connect=...)`.
"""

from __future__ import annotations

import contextlib
import datetime
import imaplib
import ipaddress
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from devdata.cluster import free_port, stop, wait_for_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "support@supportdesk.test"
PASSWORD = "mailbox-password"  # noqa: S105 - a throwaway mailbox on loopback
# Mail processes may not run as root: the mailbox belongs to Debian's `dovecot` user (created by the package).
MAIL_USER = "dovecot"

CONFIG = """
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{base}/cert.pem
ssl_key = <{base}/key.pem
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain login
auth_failure_delay = 0
disable_plaintext_auth = yes
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:{base}/home/%n/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def available() -> bool:
    return Path(DOVECOT).exists()


def _certificate(directory: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "cert.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path


class Dovecot:
    """`with Dovecot(tmp_path) as server:` — server.append(raw), server.connect() for the poller."""

    def __init__(self, directory: Path):
        self.base = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Dovecot:
        account = pwd.getpwnam(MAIL_USER)
        for sub in ("run", "state", "home"):
            (self.base / sub).mkdir(parents=True, exist_ok=True)
        os.chown(self.base / "home", account.pw_uid, account.pw_gid)
        self.cert = _certificate(self.base)
        (self.base / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        config = self.base / "dovecot.conf"
        config.write_text(CONFIG.format(base=self.base, port=self.port, uid=account.pw_uid, gid=account.pw_gid))
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and config
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            wait_for_port(self.port, timeout=20, process=self.process)
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"{error}: {self.log()}") from error
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            stop(self.process, timeout=10)

    def log(self) -> str:
        path = self.base / "dovecot.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def connect(self, port: int | None = None) -> imaplib.IMAP4:
        return imaplib.IMAP4_SSL("127.0.0.1", port or self.port, ssl_context=self.ssl_context(), timeout=10)

    def _session(self) -> imaplib.IMAP4:
        client = self.connect()
        client.login(USER, PASSWORD)
        return client

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self._session()
        try:
            for raw in messages:
                status, data = client.append(folder, None, None, raw)
                assert status == "OK", data
        finally:
            client.logout()

    def unseen(self, folder: str = "INBOX") -> int:
        client = self._session()
        try:
            client.select(folder, readonly=True)
            _status, data = client.uid("SEARCH", None, "UNSEEN")
            return len(data[0].split())
        finally:
            client.logout()


class CuttingRelay:
    """A TCP relay to `target` that closes both sides once the server has sent `cut_after` bytes (once)."""

    def __init__(self, target: int, cut_after: int):
        self.target = target
        self.cut_after = cut_after
        self.cut = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, counted: bool) -> None:
        sent = 0
        try:
            while chunk := source.recv(4096):
                if counted and not self.cut.is_set() and sent + len(chunk) > self.cut_after:
                    sink.sendall(chunk[: self.cut_after - sent])
                    self.cut.set()
                    break
                sink.sendall(chunk)
                sent += len(chunk) if counted else 0
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self) -> None:
        self.listener.close()
