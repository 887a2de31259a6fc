"""A real S3-compatible server for tests: moto in server mode on a free loopback port, one throwaway bucket per
test, and STORAGES["default"] pointed at it (the same settings entry production builds from AWS_* variables)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.storage import storages
from django.db import models

from supportdesk.kit.encrypted_storage import EncryptedStorage
from supportdesk.settings.storage import s3_storage

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
REGION = "us-east-1"


@dataclass
class ObjectStore:
    server: object
    bucket: str
    running: bool = True

    def stop(self) -> None:
        if self.running:
            self.server.stop()
            self.running = False

    @property
    def endpoint(self) -> str:
        host, port = self.server.get_host_and_port()
        return f"http://{host}:{port}"

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def object_names(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return [item["Key"] for item in listing.get("Contents", [])]

    def storage_settings(self, *, url_seconds: int = 60) -> dict:
        return s3_storage(
            bucket=self.bucket,
            endpoint_url=self.endpoint,
            region=REGION,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            url_seconds=url_seconds,
            timeout_seconds=1,
        )


def start_object_store(server=None) -> ObjectStore:
    """A bucket on `server` (one moto server per test session), or on a new server of its own (to stop it)."""
    if server is None:
        server = _moto_server()
    store = ObjectStore(server=server, bucket=f"supportdesk-test-{uuid.uuid4().hex[:12]}")
    store.client().create_bucket(Bucket=store.bucket)
    return store


def use_object_store(settings, monkeypatch, store: ObjectStore, *, encrypt_files: bool = False) -> ObjectStore:
    """Point the default storage at the bucket; files are written as is (ENCRYPT_FILES=false: a bucket that
    encrypts them itself, downloads by signed URL) unless `encrypt_files`, where our envelope wraps the bucket."""
    encrypted = settings.ENCRYPTED_STORAGE if encrypt_files else store.storage_settings()
    settings.STORAGES = {**settings.STORAGES, "default": store.storage_settings(), "encrypted": encrypted}
    if not encrypt_files:
        # A file field takes its storage once, at start-up: give the encrypted ones what ENCRYPT_FILES=false gives.
        for field in _encrypted_file_fields():
            monkeypatch.setattr(field, "storage", storages["encrypted"])
    settings.OBJECT_STORAGE_URL_SECONDS = 60
    return store


def _encrypted_file_fields() -> list[models.FileField]:
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and isinstance(field.storage, EncryptedStorage)
    ]


def _moto_server():
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed (requirements.txt)")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    return server


@pytest.fixture(scope="session")
def moto_s3_server():
    server = _moto_server()
    yield server
    server.stop()


@pytest.fixture
def object_store(settings, monkeypatch, moto_s3_server):
    """A throwaway bucket; attachments and exports are stored there for the test's duration."""
    return use_object_store(settings, monkeypatch, start_object_store(moto_s3_server))


@pytest.fixture
def encrypted_object_store(settings, monkeypatch, moto_s3_server):
    """A throwaway bucket under our own file encryption (the default configuration with S3)."""
    return use_object_store(settings, monkeypatch, start_object_store(moto_s3_server), encrypt_files=True)


@pytest.fixture
def own_object_store(settings, monkeypatch):
    """A bucket on a moto server of the test's own, which the test may stop."""
    store = use_object_store(settings, monkeypatch, start_object_store())
    yield store
    store.stop()
