"""The configured channels' public handles on the verify-an-official-contact page (tickets.safety)."""

from __future__ import annotations

from django.db import transaction

from tickets.connectors.base import configured_connectors
from tickets.safety.models import OfficialContact


@transaction.atomic
def official_contacts_sync_connectors() -> list[OfficialContact]:
    """Add every configured bot, channel, group and number to the official contacts (idempotent).

    Existing rows are left as the administrators keep them (label, active flag): this only adds what is
    missing, so /portal/verify/ confirms the handles customers actually meet. Returns the rows added.
    """
    added = []
    for provider in configured_connectors():
        for kind, value, label in provider.official_contacts():
            contact, created = OfficialContact.objects.get_or_create(
                kind=kind, value=value, defaults={"label": label, "notes": f"settings.CONNECTORS[{provider.name!r}]"}
            )
            if created:
                added.append(contact)
    return added
