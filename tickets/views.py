"""Attachment files for people allowed to see their ticket: downloads, safe inline views and thumbnails.

What the browser is told a file is comes from its first bytes (tickets.previews.sniff), never from the
type the uploader declared: only raster images and PDF are ever rendered inline, each in a sandbox.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from supportdesk.audit.models import AuditAction
from supportdesk.audit.recording import audit_read
from supportdesk.kit.downloads import private_file_response, signs_urls
from tickets.models import Attachment, PreviewState
from tickets.previews import DOWNLOAD_TYPE, INLINE_CSP, INLINE_TYPES, SNIFF_BYTES, sniff
from tickets.selectors import attachment_for_user

# Types a download may be labelled with when the bytes prove none of the inline ones (plain data, never markup).
_DOWNLOAD_TYPES = frozenset({"text/plain", "text/csv", "application/json", "application/zip", "video/mp4"})


def _safe_headers(response: FileResponse, *, cache: str = "private, no-store") -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def attachment_response(attachment: Attachment, *, inline: bool = False) -> HttpResponse:
    """The file as a download; with `inline`, rendered by the browser if its bytes are an image or a PDF.

    A download from object storage that signs URLs (files not encrypted by us) is a short-lived signed redirect.
    """
    declared = attachment.content_type if attachment.content_type in _DOWNLOAD_TYPES else DOWNLOAD_TYPE
    if not inline and signs_urls(attachment.file.storage):
        return private_file_response(attachment.file, filename=attachment.filename, content_type=declared)
    handle = attachment.file.open("rb")
    sniffed = sniff(handle.read(SNIFF_BYTES))
    handle.seek(0)
    if inline and sniffed in INLINE_TYPES:
        response = FileResponse(handle, as_attachment=False, filename=attachment.filename, content_type=sniffed)
        response["Content-Security-Policy"] = INLINE_CSP
        return _safe_headers(response)
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename, content_type=sniffed or declared)
    return _safe_headers(response)


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream an attachment to someone allowed to see its ticket; 404 for everyone else."""
    attachment = attachment_for_user(user=request.user, pk=pk)
    audit_read(request, attachment, action=AuditAction.DOWNLOAD)
    return attachment_response(attachment)


@require_GET
@login_required
def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    """Full size in the browser (images, PDF); anything else is the same download as attachment_download."""
    attachment = attachment_for_user(user=request.user, pk=pk)
    audit_read(request, attachment, action=AuditAction.VIEW)
    return attachment_response(attachment, inline=True)


@require_GET
@login_required
def attachment_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    """The thumbnail the preview job drew (a JPEG of ours, never the customer's bytes); 404 until it is ready.

    Not audited: the ticket page loads one per image, and the full view is audited when opened.
    """
    attachment = attachment_for_user(user=request.user, pk=pk)
    if attachment.preview_state != PreviewState.READY or not attachment.thumbnail_name:
        raise Http404("No thumbnail.")
    try:
        handle = attachment.file.storage.open(attachment.thumbnail_name, "rb")
    except FileNotFoundError as error:
        raise Http404("No thumbnail.") from error
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Security-Policy"] = INLINE_CSP
    # Drawn once, never changed: the browser may keep it for a few minutes (private: never a shared cache).
    return _safe_headers(response, cache="private, max-age=300")
