"""The benchmark runner: in-process callables, loopback-only HTTP, nearest-rank percentiles.

No timing assertions: only the structure of the results.
"""

import pytest

from devdata.bench.measurements import MEASUREMENTS, BenchContext, Measurement
from devdata.bench.runner import Result, Runner
from tickets.models import Ticket


def test_a_callable_measurement_is_timed_in_process(seeded, monkeypatch):
    entry = Measurement("test.count_open", "Count open tickets", run=lambda context: Ticket.objects.open().count())
    monkeypatch.setitem(MEASUREMENTS, entry.name, entry)

    result = Runner(BenchContext.load(seeded), repetitions=3, warmup=1).measure(entry)

    assert (result.mode, result.queries, len(result.samples_ms)) == ("call", 1, 3)


def test_http_mode_only_talks_to_loopback(seeded):
    with pytest.raises(ValueError, match="loopback"):
        Runner(BenchContext.load(seeded), repetitions=1, warmup=0, base_url="http://example.com:8004")


def test_percentiles_use_the_nearest_rank():
    result = Result(name="x", description="", mode="client", samples_ms=[float(n) for n in range(1, 21)], queries=1)
    assert (result.median_ms, result.p95_ms, result.max_ms) == (10.5, 19.0, 20.0)
    assert Result(name="x", description="", mode="client", samples_ms=[5.0], queries=1).p95_ms == 5.0
