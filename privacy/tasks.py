"""django-q2 tasks of the privacy app: thin wrappers that take ids and call services (all idempotent)."""

from __future__ import annotations

from privacy.services import erasure


def run_erasure(request_id: int) -> str:
    """Enqueued when an erasure is confirmed; a second run resumes after the last finished step."""
    request = erasure.erasure_run(request_id=request_id)
    return request.status if request is not None else "skipped"


def resume_erasures() -> int:
    """Scheduled: finishes erasures a crash or a deploy interrupted."""
    return erasure.erasures_resume()
