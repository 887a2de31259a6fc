"""What the customer reads in a progress update, a reminder and the closing message.

Built only from the case's step (complaint stage, tier, status), its reference and subject, and the team's
intervals: never from notes, findings or any other staff-only field. Called inside
translation.override(customer's language) by the sweep.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tickets.complaints.models import CUSTOMER_STAGE_TEXT, Stage
from tickets.models import Status, Ticket, Tier

# What comes after each stage a complaint can be in while we work on it.
COMPLAINT_NEXT_STEP = {
    Stage.INTAKE: gettext_lazy("Next, a specialist will look into what happened."),
    Stage.INVESTIGATION: gettext_lazy("Next, once we know what happened, we will propose a solution to you."),
    Stage.RESOLUTION_PROPOSED: gettext_lazy(
        "Next, we will send you the proposed solution and ask whether it solves your problem."
    ),
    Stage.REOPENED: gettext_lazy("Next, we will look into it again and propose a new solution."),
}
# Complaint stages that get progress updates: the desk is working (awaiting confirmation has its own reminders).
PROGRESS_STAGES = tuple(COMPLAINT_NEXT_STEP)

_ESCALATED_STEP = {
    Tier.L2: gettext_lazy("Your request is with our technical specialists, who are working on it."),
    Tier.L3: gettext_lazy("Your request is with our senior specialists, who are working on it."),
}
ESCALATED_TIERS = tuple(_ESCALATED_STEP)


def _step_lines(ticket: Ticket, complaint_stage: str | None) -> list[str]:
    if complaint_stage in COMPLAINT_NEXT_STEP:
        return [str(CUSTOMER_STAGE_TEXT[complaint_stage]), str(COMPLAINT_NEXT_STEP[complaint_stage])]
    if ticket.status == Status.ON_HOLD:
        return [
            _("Your request is on hold while we wait for information from another team or a partner."),
            _("Next, we will continue as soon as we have it."),
        ]
    return [
        str(_ESCALATED_STEP.get(ticket.tier, _ESCALATED_STEP[Tier.L2])),
        _("Next, they will write to you as soon as they have an answer or need something from you."),
    ]


def progress_update(*, ticket: Ticket, complaint_stage: str | None, interval_days: int) -> str:
    """The step the case is at and what happens next."""
    lines = [
        _("An update on your request %(reference)s: %(subject)s")
        % {"reference": ticket.reference, "subject": ticket.subject},
        "",
        *_step_lines(ticket, complaint_stage),
        "",
        ngettext(
            "We will update you again within %(days)d day, sooner if there is news.",
            "We will update you again within %(days)d days, sooner if there is news.",
            interval_days,
        )
        % {"days": interval_days},
        _("You can reply to this message at any time."),
    ]
    return "\n".join(lines)


def reminder(*, ticket: Ticket, days_left: int) -> str:
    """We still wait for the customer; the request closes in `days_left` days without an answer."""
    lines = [
        _("We are still waiting for your answer on request %(reference)s: %(subject)s")
        % {"reference": ticket.reference, "subject": ticket.subject},
        _("Please reply with the information we asked for, so that we can continue."),
        "",
        ngettext(
            "If we do not hear from you within %(days)d day, we will close the request.",
            "If we do not hear from you within %(days)d days, we will close the request.",
            days_left,
        )
        % {"days": days_left},
    ]
    return "\n".join(lines)


def auto_closed(*, ticket: Ticket, reopen_days: int) -> str:
    """The request was closed for want of an answer; a reply within `reopen_days` reopens it."""
    lines = [
        _("We have closed your request %(reference)s: %(subject)s, because we did not hear from you.")
        % {"reference": ticket.reference, "subject": ticket.subject},
        ngettext(
            "If you still need help, just reply within %(days)d day and the request will reopen.",
            "If you still need help, just reply within %(days)d days and the request will reopen.",
            reopen_days,
        )
        % {"days": reopen_days},
    ]
    return "\n".join(lines)
