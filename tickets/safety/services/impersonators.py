"""Reports of impersonators (fake support accounts, look-alike domains) from the public
"verify an official contact" page."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tickets import services
from tickets.models import Category, Channel, Priority, Ticket
from tickets.safety.lookalike import Verdict
from tickets.safety.selectors import security_team

SECURITY_CATEGORY_SLUG = "account-security"


@transaction.atomic
def impersonator_report(
    *, contact: str, verdict: Verdict, where_seen: str, description: str, email: str, language: str, user=None
) -> Ticket:
    """A public "report an impersonator" submission becomes a high-priority ticket for the security team.

    The description is customer text like any other: it goes through the
    intake scrubber inside ticket_create.
    """
    customer, _created = services.customer_get_or_create(email=email, language=language, user=user)
    reasons = ", ".join(verdict.reasons) or verdict.status
    body = "\n".join(
        [
            _("Reported contact: %(contact)s") % {"contact": contact},
            _("Check result: %(reasons)s") % {"reasons": reasons},
            _("Where it was seen: %(where)s") % {"where": where_seen or "-"},
            "",
            description or "-",
        ]
    )
    return services.ticket_create(
        customer=customer,
        subject=_("Impersonator report: %(contact)s") % {"contact": contact[:150]},
        body=body,
        channel=Channel.WEB_FORM,
        actor=user,
        category=Category.objects.filter(slug=SECURITY_CATEGORY_SLUG).first(),
        priority=Priority.HIGH,
        language=language,
        team=security_team(),
    )
