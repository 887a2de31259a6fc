"""`make bench` settings: the benchmark's own database, never the development one."""

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_bench_settings_refuse_the_development_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportdesk")
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/supportdesk")
    with pytest.raises(ImproperlyConfigured, match="BENCH_DATABASE_URL"):
        runpy.run_module("supportdesk.settings.bench")
