"""`manage.py bench` (`make bench`) at tiny scale: it seeds, measures every entry and reports, so it never rots.

No timing assertions: only the structure of the output.
"""

import json

import pytest
from django.core.management import CommandError, call_command

from devdata.bench.measurements import MEASUREMENTS
from devdata.bench.plan import SeedPlan
from devdata.bench.seed_features import sweep_crossing_ids
from tests.devdata.conftest import TINY
from tickets.models import Ticket


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
