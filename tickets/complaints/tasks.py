"""django-q2 tasks: thin, take ids, reload rows, call services."""

from tickets.complaints import emails, services
from tickets.complaints.models import Complaint, Stage


def send_confirmation_request(complaint_id: int, reminder: bool = False) -> bool:
    """Email the customer a fresh confirmation link; nothing if they already answered or it was closed."""
    complaint = Complaint.objects.select_related("ticket__customer").filter(pk=complaint_id).first()
    if complaint is None or complaint.stage != Stage.AWAITING_CONFIRMATION:
        return False
    token = services.confirmation_link_issue(complaint=complaint)
    emails.send_confirmation_request(complaint=complaint, token=token, reminder=reminder)
    return True


def follow_up_sweep() -> dict:
    """The daily schedule (created by migration tickets.0003_complaints)."""
    result = services.complaint_follow_up_sweep()
    return {"reminded": len(result.reminded), "closed": len(result.closed)}
