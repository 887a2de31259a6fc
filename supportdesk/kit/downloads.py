"""Downloads of private files (attachments, exports) after the caller has authorized the request.

On object storage that signs URLs (S3) the response is a redirect to a presigned URL that expires after
OBJECT_STORAGE_URL_SECONDS and names the file and its type; the bytes never pass through the web process. On the
filesystem (or a storage wrapper that must see the bytes, e.g. decryption) the file is streamed. Never a public
bucket URL: the bucket grants nothing to anonymous requests.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def signs_urls(storage: Storage) -> bool:
    """True for a backend that serves private objects through presigned URLs (django-storages' S3)."""
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # django-storages/boto3 absent: only the filesystem is configurable
        return False
    return isinstance(storage, S3Storage)


def signed_url(file: FieldFile, *, filename: str, content_type: str = "") -> str:
    parameters = {"ResponseContentDisposition": content_disposition_header(as_attachment=True, filename=filename)}
    if content_type:
        parameters["ResponseContentType"] = content_type
    return file.storage.url(file.name, parameters=parameters, expire=settings.OBJECT_STORAGE_URL_SECONDS)


def private_file_response(file: FieldFile, *, filename: str, content_type: str = "") -> HttpResponse:
    """The file as a download (never rendered inline): a short-lived signed redirect, or streamed from disk."""
    if signs_urls(file.storage):
        response = HttpResponseRedirect(signed_url(file, filename=filename, content_type=content_type))
    else:
        response = FileResponse(
            file.open("rb"), as_attachment=True, filename=filename, content_type=content_type or None
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
