"""The `make bench` harness at tiny scale: it seeds, measures every entry and reports, so it never rots.

No timing assertions: only the structure of the output and the seeded data.
"""

import io
import json
import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db.models import Count

from feedback.models import SurveyInvitation, SurveyResponse
from knowledge.models import Article
from supportdesk.bench.measurements import MEASUREMENTS, BenchContext, Measurement
from supportdesk.bench.runner import Result, Runner
from supportdesk.bench.seed import (
    AGENT_COUNT,
    HEAVY_CUSTOMER_EMAIL,
    LONG_TICKET_MESSAGES,
    SeedPlan,
)
from supportdesk.bench.seed_features import article_count, seed_all, sweep_crossing_ids
from tickets.models import AgentProfile, ClockState, Customer, EventKind, Status, Ticket, TicketEvent, TicketMessage

TINY = 200


@pytest.fixture
def bench_settings(settings):
    settings.BENCH_ALLOWED = True
    return settings


@pytest.fixture
def seeded(db, bench_settings):
    plan = SeedPlan(tickets=TINY)
    seed_all(plan, stream=io.StringIO())
    return plan


def test_seed_loads_the_planned_volumes_and_distributions(seeded):
    plan = seeded
    assert Ticket.objects.count() == TINY
    assert Customer.objects.count() == plan.customers
    assert AgentProfile.objects.filter(user__groups__name="Agent").count() == AGENT_COUNT
    long_ticket = Ticket.objects.get(pk=plan.long_ticket_id)
    assert long_ticket.messages.count() == LONG_TICKET_MESSAGES
    # a real conversation, not 500 messages squeezed into the same second
    assert long_ticket.messages.values("created_at").distinct().count() > LONG_TICKET_MESSAGES * 0.9
    assert Ticket.objects.filter(customer__email=HEAVY_CUSTOMER_EMAIL).count() == plan.heavy_customer_tickets

    ordinary = TicketMessage.objects.exclude(ticket_id=plan.long_ticket_id).count() / (TINY - 1)
    assert 3 <= ordinary <= 5
    by_status = dict(Ticket.objects.values_list("status").annotate(n=Count("id")))
    assert by_status[Status.CLOSED] > TINY / 2  # most history is closed
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == TINY
    # ids follow creation time, like a real auto-increment key
    created = list(Ticket.objects.order_by("pk").values_list("created_at", flat=True))
    assert created == sorted(created)
    # new tickets go through the normal sequence after explicit-id inserts
    assert Ticket.objects.create(subject="after seeding", customer_id=2).pk == TINY + 1


def test_seed_loads_surveys_sla_clocks_and_articles(seeded):
    resolved = Ticket.objects.filter(resolved_at__isnull=False)
    # one invitation per resolution, with who handled it copied from the ticket
    assert SurveyInvitation.objects.count() == resolved.count() > 0
    invitation = SurveyInvitation.objects.select_related("ticket").first()
    assert (invitation.agent_id, invitation.team_id, invitation.resolved_at) == (
        invitation.ticket.assignee_id, invitation.ticket.team_id, invitation.ticket.resolved_at)  # fmt: skip
    answered = SurveyInvitation.objects.filter(answered_at__isnull=False)
    assert SurveyResponse.objects.count() == answered.count() > 0
    assert set(SurveyResponse.objects.values_list("invitation_id", flat=True)) == set(
        answered.values_list("pk", flat=True)
    )
    # every open ticket has an SLA policy and its clocks; overdue ones were breached by the sweep, with an event
    open_tickets = Ticket.objects.open()
    assert not open_tickets.filter(sla_policy__isnull=True).exists()
    assert not open_tickets.filter(resolution_state="").exists()
    breached = open_tickets.filter(resolution_state=ClockState.BREACHED)
    assert breached.exists()
    assert TicketEvent.objects.filter(kind=EventKind.SLA_BREACH).count() >= breached.count()
    assert sweep_crossing_ids(seeded)
    assert Article.objects.filter(slug__startswith="benchkb-").count() == article_count(seeded)


def test_seeding_again_replaces_the_data(seeded):
    seed_all(SeedPlan(tickets=50), stream=io.StringIO())

    assert Ticket.objects.count() == 50
    assert Ticket.objects.order_by("-pk").first().pk == 50
    assert SurveyInvitation.objects.count() == Ticket.objects.filter(resolved_at__isnull=False).count()
    assert Article.objects.count() == article_count(SeedPlan(tickets=50))


def test_bench_command_measures_every_entry_and_writes_json(db, bench_settings, tmp_path, capsys):
    call_command("bench", tickets=TINY, repetitions=2, warmup=0, output=tmp_path)

    [path] = tmp_path.glob(f"*-{TINY}.json")
    payload = json.loads(path.read_text())
    assert payload["tickets"] == TINY
    assert payload["rows"]["tickets"] == TINY
    assert payload["machine"]["cpus"] >= 1
    assert [result["name"] for result in payload["results"]] == list(MEASUREMENTS)
    for result in payload["results"]:
        assert result["mode"] == ("call" if MEASUREMENTS[result["name"]].run else "client")
        assert result["repetitions"] == 2
        assert len(result["samples_ms"]) == 2
        assert 0 < result["median_ms"] <= result["p95_ms"] <= result["max_ms"]
        assert result["queries"] > 0
        assert result["cpu_median_ms"] > 0
    results = {result["name"]: result for result in payload["results"]}
    # the customer's portal pages, the API with a token, the sweep, the export and KB search are all there
    assert results["portal.requests"]["path"] == "/portal/requests/"
    assert results["api.tickets.list_later"]["path"].startswith("/api/v1/tickets/?cursor=")
    assert results["sla.sweep"]["mode"] == "call"
    assert results["sla.sweep"]["outcome"]["breached"] == len(sweep_crossing_ids(SeedPlan(tickets=TINY)))
    export = results["feedback.export_csv"]
    assert export["outcome"]["rows"] == payload["rows"]["survey_responses"] > 0
    assert 0 < export["memory"]["rss_before_mb"] <= export["memory"]["rss_peak_mb"]
    assert results["kb.search.en"]["outcome"] > 0
    assert results["kb.search.zh"]["outcome"] > 0
    out = capsys.readouterr().out
    assert "admin.ticket.change_long" in out
    assert "feedback.export_csv: peak RSS" in out
    assert str(path) in out


def test_reuse_only_and_explain_measure_the_existing_data(seeded, tmp_path):
    call_command(
        "bench", tickets=TINY, reuse=True, only=["admin.search.customer_email"], explain=True, repetitions=1,
        warmup=0, output=tmp_path,
    )  # fmt: skip

    [path] = tmp_path.glob("*.json")
    [result] = json.loads(path.read_text())["results"]
    assert result["name"] == "admin.search.customer_email"
    # the plans of the page's slowest reads (the email search's UNION is one), never of a write
    assert result["explain"]
    assert all(plan["sql"].lstrip("( ").upper().startswith("SELECT") and plan["plan"] for plan in result["explain"])


def test_reuse_refuses_data_seeded_for_another_size(seeded, tmp_path):
    with pytest.raises(CommandError, match="--reuse"):
        call_command("bench", tickets=TINY * 2, reuse=True, output=tmp_path)


def test_unknown_measurement_is_refused(seeded, tmp_path):
    with pytest.raises(CommandError, match="Unknown measurement"):
        call_command("bench", tickets=TINY, reuse=True, only=["admin.nope"], output=tmp_path)


def test_bench_refuses_to_run_without_the_bench_settings(db, settings):
    settings.BENCH_ALLOWED = False
    with pytest.raises(CommandError, match="make bench"):
        call_command("bench", tickets=10)
    assert not Ticket.objects.exists()


def test_bench_settings_refuse_the_development_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportdesk")
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportdesk")
    with pytest.raises(ImproperlyConfigured, match="BENCH_DATABASE_URL"):
        runpy.run_module("supportdesk.settings.bench")


def test_a_callable_measurement_is_timed_in_process(seeded, monkeypatch):
    entry = Measurement("test.count_open", "Count open tickets", run=lambda context: Ticket.objects.open().count())
    monkeypatch.setitem(MEASUREMENTS, entry.name, entry)

    result = Runner(BenchContext.load(seeded), repetitions=3, warmup=1).measure(entry)

    assert (result.mode, result.queries, len(result.samples_ms)) == ("call", 1, 3)


def test_a_measurement_needs_exactly_one_of_path_or_run():
    with pytest.raises(ValueError, match="exactly one"):
        Measurement("broken", "neither")


def test_http_mode_only_talks_to_loopback(seeded):
    with pytest.raises(ValueError, match="loopback"):
        Runner(BenchContext.load(seeded), repetitions=1, warmup=0, base_url="http://example.com:8004")


def test_percentiles_use_the_nearest_rank():
    result = Result(name="x", description="", mode="client", samples_ms=[float(n) for n in range(1, 21)], queries=1)
    assert (result.median_ms, result.p95_ms, result.max_ms) == (10.5, 19.0, 20.0)
    assert Result(name="x", description="", mode="client", samples_ms=[5.0], queries=1).p95_ms == 5.0
