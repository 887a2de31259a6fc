"""The `make bench` harness: seeding (seed), the registry of measurements
(measurements), timing (runner) and output (report)."""
