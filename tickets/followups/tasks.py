"""django-q2 task of the follow-ups: thin; the sweep is idempotent (tickets.followups.services)."""

from tickets.followups import services


def follow_up_sweep() -> dict:
    """The hourly schedule "follow-ups: progress updates and reminders" (created by its migration)."""
    result = services.follow_up_sweep()
    return {"progress": len(result.progress), "reminded": len(result.reminded), "closed": len(result.closed)}
