"""Fixtures of the benchmark tests: the bench settings and a tiny seeded benchmark database."""

import io

import pytest

from devdata.bench.plan import SeedPlan
from devdata.bench.seed_features import seed_all

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
