"""django-q2 entry points of the training app (thin: the work is in services)."""

from dataclasses import asdict

from training.services import training_run_rules


def run_training_rules() -> dict[str, int]:
    return asdict(training_run_rules())
