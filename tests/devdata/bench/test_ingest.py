"""`manage.py bench_ingest`: the ingestion benchmark ingests its whole mix, threads the replies, and cleans up."""

from devdata.bench.ingest import DOMAIN, run_ingest_bench
from tickets.email.models import InboundEmail
from tickets.models import Customer, Ticket


def test_the_benchmark_ingests_new_mail_and_replies_and_removes_them(db):
    result = run_ingest_bench(messages=10, use_imap=False)

    assert (result.messages, result.new_tickets, result.replies, result.quarantined) == (10, 8, 2, 0)
    assert result.seconds > 0 and result.cpu_seconds > 0
    assert not Ticket.objects.filter(customer__email__endswith=f"@{DOMAIN}").exists()
    assert not Customer.objects.filter(email__endswith=f"@{DOMAIN}").exists()
    assert not InboundEmail.objects.filter(from_address__endswith=f"@{DOMAIN}").exists()
