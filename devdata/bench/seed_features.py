"""Benchmark data of the features built on the ticket core: SLA clocks, surveys, help-centre articles.

Loaded after the tickets by devdata.bench.seed, in bulk like them (a data
loader, not application behaviour): survey invitations and responses go
through RowWriter (COPY on PostgreSQL), SLA columns are one set-based UPDATE
per clock, articles come from devdata.bench.articles. Then the SLA sweep itself runs
once, so the clocks of the seeded open queue are in the state production would
have them in (overdue ones breached, with their events).
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from devdata.bench.articles import build_articles
from devdata.bench.plan import SeedPlan
from devdata.bench.rows import CHUNK, Progress, RowWriter
from devdata.bench.seed import seed
from feedback.models import InvitationReason, SurveyFollowUp, SurveyInvitation, SurveyResponse, SurveyTemplate
from knowledge.models import Article, ArticleTranslation, HelpCategory
from tickets.models import ClockState, Status, Ticket
from tickets.sla.models import SLAPolicy
from tickets.sla.services.sweep import sla_sweep

# A typical CSAT response rate; every solved ticket gets an invitation.
RESPONSE_SHARE = 0.35
SURVEY_EXPIRY = timedelta(days=14)
ARTICLE_SLUG_PREFIX = "benchkb"
MAX_ARTICLES = 20_000
FIRST_RESPONSE_HOURS, FIRST_RESPONSE_WARN_HOURS = 8, 6
RESOLUTION_HOURS, RESOLUTION_WARN_HOURS = 72, 48
# Share of the open queue whose resolution clock crosses its due time before one measured sweep.
SWEEP_CROSSING_SHARE = 0.01

INVITATION_FIELDS = [
    "id", "key", "ticket_id", "customer_id", "template_id", "reason", "resolved_at", "agent_id", "team_id",
    "category_id", "channel", "language", "created_at", "expires_at", "emailed_at", "answered_at",
]  # fmt: skip
RESPONSE_FIELDS = [
    "invitation_id", "overall", "attitude", "speed", "professionalism", "problem_solved", "comment", "submitted_at",
]  # fmt: skip
# Ratings skew high, as they do in practice; a few comments, some in Chinese.
RATINGS = [5] * 50 + [4] * 25 + [3] * 12 + [2] * 6 + [1] * 7
COMMENTS = [
    "",
    "",
    "",
    "Fast and helpful, thank you!",
    "Took two days to get an answer.",
    "客服很耐心，问题解决了。",
    "=not a formula, just an opinion",
]
TICKET_COLUMNS = (
    "id", "customer_id", "resolved_at", "assignee_id", "team_id", "category_id", "channel", "language",
)  # fmt: skip


def article_count(plan: SeedPlan) -> int:
    return max(50, min(MAX_ARTICLES, plan.tickets // 50))


def wipe_features() -> None:
    """Remove what seed_all loaded on top of the tickets (before the tickets and users it refers to)."""
    # A million survey rows: emptied like the ticket tables, not deleted row by row through the ORM.
    tables = [model._meta.db_table for model in (SurveyFollowUp, SurveyResponse, SurveyInvitation)]
    if connection.vendor == "postgresql":
        connection.check_constraints()  # TRUNCATE is refused while deferred FK checks are pending (tests)
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
    Article.objects.filter(slug__startswith=f"{ARTICLE_SLUG_PREFIX}-").delete()
    HelpCategory.objects.filter(slug__startswith=f"{ARTICLE_SLUG_PREFIX}-").delete()


def seed_all(plan: SeedPlan, *, stream=None) -> dict[str, int]:
    """Wipe and load everything `make bench` measures: the ticket core, then the features on top of it."""
    wipe_features()
    counts = seed(plan, stream=stream)
    counts.update(seed_surveys(plan, stream=stream))
    counts["sla_open_tickets"] = seed_sla()
    with transaction.atomic():
        build_articles(article_count(plan), slug_prefix=ARTICLE_SLUG_PREFIX)
    counts["articles"] = article_count(plan)
    _analyze()
    return counts


def _analyze() -> None:
    """Planner statistics for the tables loaded after seed() analysed the ticket core."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        for model in (SurveyInvitation, SurveyResponse, Article, ArticleTranslation, Ticket):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed_surveys(plan: SeedPlan, *, stream=None) -> dict[str, int]:
    """One invitation per resolved ticket, answered for RESPONSE_SHARE of them."""
    template_id = SurveyTemplate.objects.get(is_default=True).pk
    key_field = SurveyInvitation._meta.get_field("key")
    invitations, responses = RowWriter(SurveyInvitation, INVITATION_FIELDS), RowWriter(SurveyResponse, RESPONSE_FIELDS)
    rng = random.Random(plan.seed * 31)
    counts = {"survey_invitations": 0, "survey_responses": 0}
    progress = Progress("surveys", plan.tickets, stream=stream)
    for first in range(1, plan.tickets + 1, CHUNK):
        last = min(first + CHUNK - 1, plan.tickets)
        resolved = Ticket.objects.filter(pk__range=(first, last), resolved_at__isnull=False).order_by("pk")
        invitation_rows, response_rows = [], []
        for (
            ticket_id,
            customer_id,
            resolved_at,
            agent_id,
            team_id,
            category_id,
            channel,
            language,
        ) in resolved.values_list(*TICKET_COLUMNS):
            invitation_id = counts["survey_invitations"] + len(invitation_rows) + 1
            answered_at = None
            if rng.random() < RESPONSE_SHARE:
                answered_at = resolved_at + timedelta(minutes=10 + int(rng.random() * 2000))
                response_rows.append(
                    (invitation_id, *(RATINGS[int(rng.random() * len(RATINGS))] for _rating in range(4)),
                     rng.random() < 0.8, COMMENTS[int(rng.random() * len(COMMENTS))], answered_at)
                )  # fmt: skip
            invitation_rows.append(
                (invitation_id, key_field.get_db_prep_value(uuid.uuid4(), connection), ticket_id, customer_id,
                 template_id, InvitationReason.TICKET_SOLVED, resolved_at, agent_id, team_id, category_id, channel,
                 language, resolved_at, resolved_at + SURVEY_EXPIRY, resolved_at, answered_at)
            )  # fmt: skip
        with transaction.atomic():
            if invitation_rows:
                invitations.write(invitation_rows)
            if response_rows:
                responses.write(response_rows)
        counts["survey_invitations"] += len(invitation_rows)
        counts["survey_responses"] += len(response_rows)
        progress.advance(last - first + 1)
    progress.finish()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [SurveyInvitation, SurveyResponse]):
            cursor.execute(statement)
    return counts


def seed_sla() -> int:
    """SLA clocks for the open queue, as the clocks would have started them; then one sweep to catch up.

    Pending and on-hold tickets have their resolution clock paused; a ticket
    already answered has its first-response clock fulfilled.
    """
    policy = SLAPolicy.objects.for_matching().last()
    open_tickets = Ticket.objects.open()
    with transaction.atomic():
        count = open_tickets.update(
            sla_policy=policy,
            first_response_state=ClockState.ON_TRACK,
            first_response_due=F("created_at") + timedelta(hours=FIRST_RESPONSE_HOURS),
            first_response_warn_at=F("created_at") + timedelta(hours=FIRST_RESPONSE_WARN_HOURS),
            resolution_state=ClockState.ON_TRACK,
            resolution_due=F("created_at") + timedelta(hours=RESOLUTION_HOURS),
            resolution_warn_at=F("created_at") + timedelta(hours=RESOLUTION_WARN_HOURS),
        )
        open_tickets.filter(first_response_at__isnull=False).update(first_response_state=ClockState.FULFILLED)
        open_tickets.filter(status__in=(Status.PENDING_CUSTOMER, Status.ON_HOLD)).update(
            resolution_state=ClockState.PAUSED, sla_paused_at=F("updated_at")
        )
    sla_sweep(follow_up=False)
    return count


def sweep_crossing_ids(plan: SeedPlan) -> list[int]:
    """The newest running open tickets whose clocks the sweep measurement makes cross their due time."""
    share = max(1, int(Ticket.objects.open().count() * SWEEP_CROSSING_SHARE))
    return list(Ticket.objects.open().exclude(resolution_state=ClockState.PAUSED).order_by("-pk")
                .values_list("pk", flat=True)[:share])  # fmt: skip


def reset_crossing_clocks(ticket_ids: list[int]) -> None:
    """Put these tickets' resolution clocks just past due again (untimed, before each measured sweep)."""
    now = timezone.now()
    Ticket.objects.filter(pk__in=ticket_ids).update(
        resolution_state=ClockState.ON_TRACK,
        resolution_due=now - timedelta(seconds=30),
        resolution_warn_at=now - timedelta(hours=1),
    )
