from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from supportdesk.audit.models import AuditAction
from supportdesk.audit.recording import audit_read
from tickets.models import Attachment
from tickets.selectors import attachment_for_user


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download, never rendered inline by the browser."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream an attachment to someone allowed to see its ticket; 404 for everyone else."""
    attachment = attachment_for_user(user=request.user, pk=pk)
    audit_read(request, attachment, action=AuditAction.DOWNLOAD)
    return attachment_response(attachment)
