"""`make loadtest` harness (devdata/loadtest), a few seconds against the running cluster: every scenario that
talks HTTP makes requests and none fails. The figures themselves are `make loadtest`'s business, not a test's."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from tickets.models import Ticket

pytestmark = [pytest.mark.cluster]


def test_the_loadtest_scenarios_run_against_the_cluster(cluster, tmp_path):
    seed = tmp_path / "seed.json"
    call_command("loadtest_data", "seed", "--out", str(seed), "--customers", "2", "--agents", "1", "--mails", "1")
    tickets_before = Ticket.objects.count()

    subprocess.run(  # noqa: S603 - our own module; locust (gevent) must not patch the test process
        [
            sys.executable,
            "-m",
            "devdata.loadtest.run",
            "--host",
            cluster.url,
            "--seed",
            str(seed),
            "--seconds",
            "6",
            "--scenarios",
            "api,portal,agents",
            "--users",
            "api=1,portal=1,agents=1",
            "--results",
            str(tmp_path),
        ],
        cwd=settings.BASE_DIR,
        check=True,
        timeout=120,
        capture_output=True,
    )

    report = json.loads(next(tmp_path.glob("loadtest-*.json")).read_text())["results"]
    assert {name: result["failures"] for name, result in report.items()} == {"api": 0, "portal": 0, "agents": 0}
    assert all(result["requests"] > 0 for result in report.values()), report
    # Requests still in flight when the run ended may have created a ticket too.
    assert Ticket.objects.count() - tickets_before >= report["api"]["entries"]["api: create ticket"]["requests"]
