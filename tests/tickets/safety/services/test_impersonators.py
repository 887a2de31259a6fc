"""Impersonator reports: the security team reviews them; nobody else may."""

import pytest
from django.core.exceptions import PermissionDenied

from tickets.models import ImpersonatorReport
from tickets.safety.services import impersonator_report_review

pytestmark = pytest.mark.django_db


def test_only_holders_of_the_review_permission_move_reports(supervisor, agent, manager):
    report = ImpersonatorReport.objects.create(contact="fake", where_seen="x", reporter_email="v@example.com")

    for outsider in (agent, manager):
        with pytest.raises(PermissionDenied):
            impersonator_report_review(reports=[report], status="dismissed", actor=outsider)
    changed = impersonator_report_review(reports=[report], status="dismissed", actor=supervisor, note="not ours")

    report.refresh_from_db()
    assert changed == 1
    assert (report.status, report.reviewed_by, report.review_note) == ("dismissed", supervisor, "not ours")
    assert impersonator_report_review(reports=[report], status="dismissed", actor=supervisor) == 0
