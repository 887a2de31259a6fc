"""`make loadtest`: locust scenarios against the production-shaped cluster (devdata/cluster.py), loopback only,
bounded in time. See README "Running in production" → "Load test"."""
