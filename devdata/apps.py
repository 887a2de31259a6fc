from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Demo data (`seed_demo`) and the benchmarks (`bench`, `knowledge_bench`, `bench_sla`).

    No models: the app only provides management commands. No production app imports it.
    """

    name = "devdata"
    label = "devdata"
    verbose_name = "Development data"
