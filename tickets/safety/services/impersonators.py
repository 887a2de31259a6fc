"""Reports of impersonators (fake support accounts, look-alike domains) from the public
"verify an official contact" page, and their review by the security team."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.safety.lookalike import Verdict
from tickets.safety.models import ImpersonatorReport, ImpersonatorReportStatus
from tickets.safety.services import intake
from tickets.selectors import customer_for_user

REVIEW_PERMISSION = "tickets.change_impersonatorreport"


@transaction.atomic
def impersonator_report(
    *, contact: str, verdict: Verdict, where_seen: str, description: str, email: str, language: str, user=None
) -> ImpersonatorReport:
    """A public "report an impersonator" submission goes to the security queue.

    Anyone can send this form with any address, so it opens no ticket (that would be in the name
    of whoever owns the address) and sends no mail (that would carry the sender's text from our
    address). The text is customer text like any other: it passes the intake gate before storage.
    `user` is the signed-in visitor, if any; it is recorded, never used to find or create a customer.
    """
    gated = intake.gate_standalone(
        {"contact": contact, "description": description or ""},
        channel="impersonator_report",
        customer=customer_for_user(user=user),
    ).values
    return ImpersonatorReport.objects.create(
        contact=gated["contact"][:255],
        check_result=(", ".join(verdict.reasons) or verdict.status)[:255],
        where_seen=where_seen,
        description=gated["description"],
        reporter_email=email,
        reporter=user if user is not None and user.is_authenticated else None,
        language=language[:10],
    )


@transaction.atomic
def impersonator_report_review(*, reports: Iterable[ImpersonatorReport], status: str, actor, note: str = "") -> int:
    """A security officer moves reports along (reviewing, confirmed, dismissed); returns how many changed."""
    if not actor.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied(_("You may not review impersonator reports."))
    if status not in ImpersonatorReportStatus.values:
        raise ValueError(status)
    fields = {"status": status, "reviewed_by": actor, "reviewed_at": timezone.now()}
    if note:
        fields["review_note"] = note
    ids = [report.pk for report in reports]
    return ImpersonatorReport.objects.filter(pk__in=ids).exclude(status=status).update(**fields)
