"""`manage.py bench_sla`: the SLA sweep benchmark times the sweep and removes its synthetic rows."""

from devdata.bench.sla import BENCH_EMAIL, run_sweep_bench
from tickets.models import Customer, Ticket


def test_the_benchmark_times_the_sweep_and_cleans_up(db):
    result = run_sweep_bench(open_tickets=40, crossings=(0.0, 0.25))

    assert [(timing.crossing, timing.breached) for timing in result.timings] == [(0.0, 0), (0.25, 10)]
    assert all(timing.seconds >= 0 and timing.repeat_seconds >= 0 for timing in result.timings)
    assert not Ticket.objects.filter(customer__email=BENCH_EMAIL).exists()
    assert not Customer.objects.filter(email=BENCH_EMAIL).exists()
