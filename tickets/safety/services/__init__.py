"""Every wallet-safety write, one module per noun.

intake.py: what happens when a secret comes in (flag, escalate, warn) or an agent
reply asks for one; verification.py: identity verification codes; redaction.py:
secrets already stored; impersonators.py: impersonator reports. The detectors and
the scrubber they use are pure modules (tickets.safety.detect, .guard, .scrubbing).
"""

from tickets.safety.services.impersonators import impersonator_report
from tickets.safety.services.intake import (
    ERROR_SECRET_REQUEST,
    record_earlier_exposure,
    record_exposure,
    refuse_secret_requests,
)
from tickets.safety.services.redaction import message_redact_secrets, ticket_subject_redact_secrets
from tickets.safety.services.verification import (
    ERROR_TOO_MANY_REQUESTS,
    consume_code_in_reply,
    verification_check,
    verification_request,
)

__all__ = [
    "ERROR_SECRET_REQUEST",
    "ERROR_TOO_MANY_REQUESTS",
    "consume_code_in_reply",
    "impersonator_report",
    "message_redact_secrets",
    "record_earlier_exposure",
    "record_exposure",
    "refuse_secret_requests",
    "ticket_subject_redact_secrets",
    "verification_check",
    "verification_request",
]
