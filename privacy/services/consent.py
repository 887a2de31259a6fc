"""Consent to optional processing, per purpose and channel: every answer is kept, the latest counts."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from privacy.models import ConsentChannel, ConsentPurpose, ConsentRecord
from tickets.models import Customer

CHOICES = [(purpose, channel) for purpose in ConsentPurpose.values for channel in ConsentChannel.values]


def consent_current(customer: Customer) -> dict[tuple[str, str], bool]:
    """Latest answer per (purpose, channel). No answer means no consent, except for the purposes in
    PRIVACY_OPT_OUT_PURPOSES (sent until the customer declines: README "Privacy")."""
    current = {(purpose, channel): purpose in settings.PRIVACY_OPT_OUT_PURPOSES for purpose, channel in CHOICES}
    seen = set()
    for purpose, channel, granted in ConsentRecord.objects.filter(customer=customer).values_list(
        "purpose", "channel", "granted"
    ):
        if (purpose, channel) not in seen:
            seen.add((purpose, channel))
            current[(purpose, channel)] = granted
    return current


def consent_given(*, customer: Customer, purpose: str, channel: str) -> bool:
    return consent_current(customer)[(purpose, channel)]


@transaction.atomic
def consent_record(*, customer: Customer, answers: dict[tuple[str, str], bool]) -> int:
    """Store the answers that differ from the current ones. Returns how many were recorded."""
    current = consent_current(customer)
    changed = [
        ConsentRecord(
            customer=customer,
            purpose=purpose,
            channel=channel,
            granted=granted,
            notice_version=settings.PRIVACY_NOTICE_VERSION,
        )
        for (purpose, channel), granted in answers.items()
        if (purpose, channel) in current and current[(purpose, channel)] != granted
    ]
    ConsentRecord.objects.bulk_create(changed)
    return len(changed)
