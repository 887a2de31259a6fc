"""django-q2 entry points of the knowledge app (thin: the work is in services)."""

from dataclasses import asdict

from knowledge.services.training import training_run_rules


def run_training_rules() -> dict[str, int]:
    return asdict(training_run_rules())
