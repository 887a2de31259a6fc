from django.core.management.base import BaseCommand

from devdata.bench.sla import run_sweep_bench


class Command(BaseCommand):
    help = "Time the SLA sweep over N synthetic open tickets (created, measured, then removed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--open-tickets", type=int, default=100_000)

    def handle(self, *args, open_tickets: int, **options) -> None:
        result = run_sweep_bench(open_tickets=open_tickets)
        self.stdout.write(
            f"SLA sweep on {result.vendor}: {result.open_tickets} open tickets"
            f" (created in {result.setup_seconds:.1f} s)"
        )
        for timing in result.timings:
            self.stdout.write(
                f"  {timing.crossing:>5.0%} crossing due: {timing.breached:>7} breached in {timing.seconds:.3f} s;"
                f" repeated sweep {timing.repeat_seconds:.3f} s"
            )
