"""tickets.events: one builder per event kind, and the only place that creates TicketEvent rows."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from tickets import events
from tickets.models import AuthorKind, ClockState, EventKind, Status, TicketEvent, TicketMessage

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("UTC"))


def fields(event: TicketEvent) -> tuple:
    return (event.kind, event.actor, event.before, event.after, event.note)


# (builder name, keyword arguments besides ticket/actor, expected kind, before, after, note)
BUILDERS = [
    ("created", {"channel": "email", "note": "routed to Desk"}, EventKind.CREATED, "", "email", "routed to Desk"),
    (
        "status_changed",
        {"before": Status.OPEN, "after": Status.SOLVED, "note": "done"},
        EventKind.STATUS,
        "open",
        "solved",
        "done",
    ),
    ("assignment_changed", {"before": "ann", "after": "bo"}, EventKind.ASSIGNMENT, "ann", "bo", ""),
    ("team_changed", {"before": "Desk", "after": "Security"}, EventKind.TEAM, "Desk", "Security", ""),
    ("priority_changed", {"before": "normal", "after": "urgent"}, EventKind.PRIORITY, "normal", "urgent", ""),
    ("category_changed", {"before": "", "after": "Transfers"}, EventKind.CATEGORY, "", "Transfers", ""),
    ("language_changed", {"before": "en", "after": "vi", "note": "n"}, EventKind.LANGUAGE, "en", "vi", "n"),
    ("tier_changed", {"before": "l1", "after": "l2", "note": "logs"}, EventKind.TIER, "l1", "l2", "logs"),
    ("tags_changed", {"before": ["a"], "after": ["a", "b"]}, EventKind.TAGS, "a", "a, b", ""),
    (
        "merged",
        {"source_reference": "SD-000002", "target_reference": "SD-000001", "note": "merged"},
        EventKind.MERGE,
        "SD-000002",
        "SD-000001",
        "merged",
    ),
    ("reply_sent", {}, EventKind.REPLY, "", "", ""),
    ("note_added", {}, EventKind.NOTE, "", "", ""),
    ("customer_message_added", {}, EventKind.CUSTOMER_MESSAGE, "", "", ""),
    (
        "customer_merged",
        {"duplicate_email": "old@example.com", "primary_email": "new@example.com"},
        EventKind.CUSTOMER_MERGE,
        "old@example.com",
        "new@example.com",
        "",
    ),
    (
        "customer_linked",
        {"login": "carol@example.net", "note": "verification code"},
        EventKind.CUSTOMER_LINK,
        "",
        "carol@example.net",
        "verification code",
    ),
    ("secret_exposed", {"kinds": "mnemonic", "note": "body"}, EventKind.SECRET_EXPOSED, "", "mnemonic", "body"),
    ("secret_suspected", {"kinds": "key", "note": "body"}, EventKind.SECRET_SUSPECTED, "", "key", "body"),
    ("reply_blocked", {"secrets": "password", "note": "asked"}, EventKind.REPLY_BLOCKED, "", "password", "asked"),
    ("exposure_step_done", {"step": "funds_moved"}, EventKind.EXPOSURE_STEP, "", "funds_moved", ""),
    (
        "verification_changed",
        {"status": "verified", "note": "email, portal"},
        EventKind.VERIFICATION,
        "",
        "verified",
        "email, portal",
    ),
    ("complaint_opened", {"subject": "fees", "note": "why"}, EventKind.COMPLAINT, "", "fees", "why"),
    (
        "complaint_stage_changed",
        {"before": "intake", "after": "investigation", "note": "start"},
        EventKind.COMPLAINT_STAGE,
        "intake",
        "investigation",
        "start",
    ),
    (
        "complaint_updated",
        {"field": "severity", "before": "low", "after": "high"},
        EventKind.COMPLAINT_UPDATE,
        "low",
        "high",
        "severity",
    ),
    (
        "remedy_changed",
        {"before": "approved", "after": "paid", "note": "ref 7"},
        EventKind.REMEDY,
        "approved",
        "paid",
        "ref 7",
    ),
]

# Kinds whose events never have an actor (written by the system): their builders take none.
SYSTEM_BUILDERS = [
    (
        "complaint_followed_up",
        {"step": "reminder", "note": "reminder sent", "at": AT},
        EventKind.COMPLAINT_FOLLOW_UP,
        "",
        "reminder",
        "reminder sent",
    ),
    ("sla_warned", {"clock": "first_response", "at": AT}, EventKind.SLA_WARNING, "first_response", "warning", ""),
    ("sla_breached", {"clock": "resolution", "at": AT}, EventKind.SLA_BREACH, "resolution", "breached", ""),
    (
        "chain_status_changed",
        {"before": "pending", "after": "confirmed", "note": "12 confirmations", "at": AT},
        EventKind.CHAIN_STATUS,
        "pending",
        "confirmed",
        "12 confirmations",
    ),
    ("progress_update_sent", {"step": "investigation", "at": AT}, EventKind.PROGRESS_UPDATE, "", "investigation", ""),
    ("reminder_sent", {"step": "reminder_1", "at": AT}, EventKind.REMINDER, "", "reminder_1", ""),
    ("auto_closed", {"note": "no reply in 14 days", "at": AT}, EventKind.AUTO_CLOSED, "", "", "no reply in 14 days"),
]


def test_every_event_kind_has_a_builder():
    built = {kind for *_rest, kind, _before, _after, _note in BUILDERS + SYSTEM_BUILDERS}
    assert built | {EventKind.CUSTOMER_WARNED} == set(EventKind.values)


@pytest.mark.parametrize(("name", "arguments", "kind", "before", "after", "note"), BUILDERS)
def test_a_builder_sets_kind_actor_and_payload_unsaved(ticket, agent, name, arguments, kind, before, after, note):
    count = TicketEvent.objects.count()

    event = getattr(events, f"build_{name}")(ticket=ticket, actor=agent, **arguments)

    assert event.pk is None
    assert event.ticket_id == ticket.pk
    assert fields(event) == (kind, agent, before, after, note)
    assert TicketEvent.objects.count() == count


@pytest.mark.parametrize(("name", "arguments", "kind", "before", "after", "note"), SYSTEM_BUILDERS)
def test_a_system_builder_has_no_actor_and_keeps_the_given_time(ticket, name, arguments, kind, before, after, note):
    event = getattr(events, f"build_{name}")(ticket=ticket.pk, **arguments)

    assert (event.ticket_id, event.created_at) == (ticket.pk, AT)
    assert fields(event) == (kind, None, before, after, note)


# Kinds written one at a time also have a saving variant; the rest are only written in bulk (record_many).
SAVED_ONE_AT_A_TIME = [builder for builder in BUILDERS if hasattr(events, builder[0])]


def test_only_bulk_written_kinds_lack_a_saving_variant():
    bulk_only = {name for name, *_rest in BUILDERS + SYSTEM_BUILDERS if not hasattr(events, name)}
    assert bulk_only == {
        "customer_merged",
        "complaint_followed_up",
        "sla_warned",
        "sla_breached",
        "progress_update_sent",
        "reminder_sent",
        "auto_closed",
    }


@pytest.mark.parametrize(("name", "arguments", "kind", "before", "after", "note"), SAVED_ONE_AT_A_TIME)
def test_the_saving_variant_inserts_the_same_event(ticket, agent, name, arguments, kind, before, after, note):
    event = getattr(events, name)(ticket=ticket, actor=agent, **arguments)

    stored = TicketEvent.objects.get(pk=event.pk)
    assert stored.ticket_id == ticket.pk
    assert fields(stored) == (kind, agent, before, after, note)


def test_the_customer_warning_points_at_the_warning_message(ticket):
    warning = TicketMessage.objects.create(ticket=ticket, author_kind=AuthorKind.SYSTEM, body="Move your funds")

    event = events.customer_warned(ticket=ticket, warning=warning, note="by email")

    stored = TicketEvent.objects.get(pk=event.pk)
    assert fields(stored) == (EventKind.CUSTOMER_WARNED, None, "", str(warning.pk), "by email")


def test_a_ticket_id_is_enough_and_the_time_can_be_given(ticket, agent):
    event = events.build_status_changed(ticket=ticket.pk, actor=agent, before="open", after="solved", at=AT)

    assert (event.ticket_id, event.created_at) == (ticket.pk, AT)


def test_long_values_are_cut_to_the_column_length(ticket, agent):
    event = events.tier_changed(ticket=ticket, actor=agent, before="l1", after="l2", note="why " * 100)
    labels = events.build_secret_exposed(ticket=ticket, actor=None, kinds="x" * 300, note="")

    assert len(TicketEvent.objects.get(pk=event.pk).note) == events.TEXT_LIMIT == 255
    assert labels.after == "x" * 255


def test_record_many_inserts_built_events_in_one_go(ticket, other_ticket, django_assert_num_queries):
    built = [
        events.build_sla_breached(ticket=ticket.pk, clock="resolution", at=AT),
        events.build_sla_breached(ticket=other_ticket.pk, clock="resolution", at=AT),
    ]

    with django_assert_num_queries(1):
        events.record_many(built)

    stored = TicketEvent.objects.filter(kind=EventKind.SLA_BREACH).order_by("ticket_id")
    assert [(e.ticket_id, e.before, e.after, e.created_at) for e in stored] == [
        (ticket.pk, "resolution", ClockState.BREACHED, AT),
        (other_ticket.pk, "resolution", ClockState.BREACHED, AT),
    ]


# The single writer -----------------------------------------------------------

REPOSITORY = Path(settings.BASE_DIR)
WRITER = REPOSITORY / "tickets" / "events.py"
SKIPPED_DIRECTORIES = {"tests", "migrations", ".venv", ".git", "node_modules"}
CREATES_AN_EVENT = re.compile(
    r"(?<!class )\bTicketEvent\("
    r"|\bTicketEvent\.(?:objects|_default_manager|_base_manager)\.(?:create|bulk_create|get_or_create|update_or_create)\b"
    r"|\.events\.(?:create|bulk_create|get_or_create|update_or_create)\("
)


def event_creations(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [f"{path.relative_to(REPOSITORY)}:{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), start=1)
            if CREATES_AN_EVENT.search(line)]  # fmt: skip


def python_files():
    for path in sorted(REPOSITORY.rglob("*.py")):
        if not SKIPPED_DIRECTORIES.intersection(path.relative_to(REPOSITORY).parts[:-1]):
            yield path


@pytest.mark.parametrize(
    "line",
    [
        "TicketEvent(ticket=ticket, kind=EventKind.NOTE)",
        "    TicketEvent.objects.create(ticket=ticket, kind=kind)",
        "TicketEvent.objects.bulk_create(rows)",
        "ticket.events.create(kind=EventKind.NOTE)",
    ],
)
def test_the_scan_recognises_every_way_of_creating_an_event(line):
    assert CREATES_AN_EVENT.search(line)


@pytest.mark.parametrize(
    "line", ["class TicketEvent(models.Model):", "TicketEventQuerySet(", "TicketEvent.objects.filter(ticket=ticket)"]
)
def test_the_scan_ignores_the_model_and_reads(line):
    assert not CREATES_AN_EVENT.search(line)


def test_only_tickets_events_creates_ticket_events():
    scanned = list(python_files())
    assert WRITER in scanned
    assert event_creations(WRITER), "the scan no longer sees how tickets/events.py creates events"

    elsewhere = [hit for path in scanned if path != WRITER for hit in event_creations(path)]

    assert elsewhere == [], "build timeline events in tickets/events.py:\n" + "\n".join(elsewhere)
