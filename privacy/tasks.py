"""django-q2 tasks of the privacy app: thin wrappers that take ids and call services (all idempotent)."""

from __future__ import annotations

from django.conf import settings

from privacy.services import erasure, export, retention


def run_erasure(request_id: int) -> str:
    """Enqueued when an erasure is confirmed; a second run resumes after the last finished step."""
    request = erasure.erasure_run(request_id=request_id)
    return request.status if request is not None else "skipped"


def resume_erasures() -> int:
    """Scheduled: finishes erasures a crash or a deploy interrupted."""
    return erasure.erasures_resume()


def build_export(request_id: int) -> str:
    """Enqueued when a subject access export is requested; a second run finds it already built."""
    request = export.export_build(request_id=request_id)
    return request.status if request is not None else "skipped"


def expire_exports() -> int:
    """Scheduled daily: deletes export files past PRIVACY_EXPORT_KEEP_DAYS."""
    return export.exports_expire()


def run_retention(run_id: int) -> int:
    """Enqueued by a retention start (admin) or the nightly schedule's dry run / run."""
    run = retention.retention_apply(run_id=run_id)
    return sum(kind["done"] for kind in run.report.values()) if run is not None else 0


def nightly_retention() -> int:
    """Scheduled nightly: a dry run (the report a DPO reviews before applying in the admin), or the real
    run when PRIVACY_RETENTION_AUTO_APPLY is on."""
    return retention.retention_start(dry_run=not settings.PRIVACY_RETENTION_AUTO_APPLY).pk
