"""Every write of the training app: courses, assignments and their results, the daily rules, awards.

Keyword-only, atomic; domain errors are ValidationError / PermissionDenied.
"""

from training.services.recognition import award_confirm, award_revoke
from training.services.training import (
    RulesResult,
    training_assign,
    training_complete_self_study,
    training_course_save,
    training_mark_overdue,
    training_record_result,
    training_run_rules,
    training_start,
)

__all__ = [
    "RulesResult",
    "award_confirm",
    "award_revoke",
    "training_assign",
    "training_complete_self_study",
    "training_course_save",
    "training_mark_overdue",
    "training_record_result",
    "training_run_rules",
    "training_start",
]
