"""Where attachments and exports are stored (issue 22, point 3; README "Object storage"), imported by base.

STORAGES["default"] is the private storage of every FileField (attachments, subject access exports): the
filesystem under PRIVATE_MEDIA_ROOT, or an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set. The
choice lives here only — models name no storage class — so a wrapper (e.g. encryption at rest) can be layered
over whichever backend is configured. Downloads are authorized by the app, then redirected to a presigned URL
that expires after OBJECT_STORAGE_URL_SECONDS (S3), or streamed from disk (filesystem); never a public URL.
"""

from pathlib import Path

import environ

env = environ.Env()
BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Attachments are private: they live outside any served directory and are
# only streamed by the permission-checked download view (tickets.views).
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
# Lifetime of a presigned download URL: long enough for the browser to follow the redirect, short enough that a
# copied link is useless soon after.
OBJECT_STORAGE_URL_SECONDS = env.int("OBJECT_STORAGE_URL_SECONDS", default=60)
# Connect/read timeout of each S3 request: a dead object store fails fast (health check, downloads).
OBJECT_STORAGE_TIMEOUT_SECONDS = env.int("OBJECT_STORAGE_TIMEOUT_SECONDS", default=5)

FILESYSTEM_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
}


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    prefix: str = "",
    url_seconds: int = 60,
    timeout_seconds: int = 5,
) -> dict:
    """A STORAGES entry for a private S3 bucket (AWS, or any S3-compatible server given by endpoint_url).

    Empty keys fall back to boto3's own chain (instance role, ~/.aws); objects are private (no ACL grants), never
    overwritten, and every URL is signed (SigV4) and short-lived."""
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": prefix,
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": url_seconds,
            "client_config": Config(
                signature_version="s3v4",
                connect_timeout=timeout_seconds,
                read_timeout=timeout_seconds,
                retries={"max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": "path" if endpoint_url else "auto"},
            ),
        },
    }


AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    PRIVATE_STORAGE = s3_storage(
        bucket=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env("AWS_S3_ENDPOINT_URL", default=""),
        region=env("AWS_S3_REGION_NAME", default=""),
        access_key=env("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env("AWS_SECRET_ACCESS_KEY", default=""),
        prefix=env("AWS_LOCATION", default=""),
        url_seconds=OBJECT_STORAGE_URL_SECONDS,
        timeout_seconds=OBJECT_STORAGE_TIMEOUT_SECONDS,
    )
else:
    PRIVATE_STORAGE = FILESYSTEM_STORAGE
