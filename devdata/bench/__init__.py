"""The benchmarks. `make bench` (`manage.py bench`): the plan of what is seeded (plan), the bulk
loaders (rows, staff, customers, tickets, seed, seed_features), the registry of measurements
(measurements), timing (runner) and output (report). `manage.py knowledge_bench` builds its
help-centre articles with articles; `manage.py bench_sla` times the SLA sweep with sla."""
