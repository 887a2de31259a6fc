"""Every wallet-safety write, one module per noun.

intake.py: the gate every customer text passes, and what happens when a secret comes
in (flag, escalate, warn) or an agent reply asks for one; exposure.py: the playbook
(customer flag, security-officer alert, checklist); verification.py: identity verification codes; redaction.py:
secrets already stored; impersonators.py: impersonator reports. The detectors and
the scrubber they use are pure modules (tickets.safety.detect, .guard, .scrubbing).
"""

from tickets.safety.services.exposure import exposure_record, exposure_step_done
from tickets.safety.services.impersonators import impersonator_report, impersonator_report_review
from tickets.safety.services.intake import (
    ERROR_SECRET_REQUEST,
    secret_exposure_record,
    secret_exposure_record_earlier,
    secret_request_refuse,
)
from tickets.safety.services.redaction import message_redact_secrets, ticket_subject_redact_secrets
from tickets.safety.services.verification import (
    ERROR_TOO_MANY_REQUESTS,
    verification_check,
    verification_consume_reply_code,
    verification_request,
)

__all__ = [
    "ERROR_SECRET_REQUEST",
    "ERROR_TOO_MANY_REQUESTS",
    "exposure_record",
    "exposure_step_done",
    "impersonator_report",
    "impersonator_report_review",
    "message_redact_secrets",
    "secret_exposure_record",
    "secret_exposure_record_earlier",
    "secret_request_refuse",
    "ticket_subject_redact_secrets",
    "verification_check",
    "verification_consume_reply_code",
    "verification_request",
]
