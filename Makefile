# SupportDesk: `make run` sets up a fresh machine and serves on http://127.0.0.1:8000;
# `make test` runs every quality gate.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The browser the e2e suite (tests/e2e) drives; without it those tests are skipped.
CHROMIUM := /usr/bin/chromium

.PHONY: run serve cluster loadtest test install migrate demo lint format messages bench bench-knowledge bench-detector bench-privacy bench-db bench-chat bench-ingest clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(BIN)/activate

install: $(BIN)/activate

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_email_schedules
	$(PY) manage.py sync_connector_contacts

demo: migrate
	$(PY) manage.py seed_demo

# ASGI server (HTTP and the chat WebSockets, static files through WhiteNoise) and the django-q2 worker together;
# Ctrl-C stops both. One server process: the in-memory channel layer suffices (README "Live chat" for more).
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: /admin/, health: /healthz) - Ctrl-C stops web and worker"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py qcluster & \
	DJANGO_SETTINGS_MODULE=supportdesk.settings.local $(BIN)/uvicorn supportdesk.asgi:application \
		--host $(HOST) --port $(PORT) --lifespan off --no-server-header & \
	wait

# Production on this machine: production settings, gunicorn with uvicorn workers (gunicorn.conf.py) and one
# django-q2 cluster; Ctrl-C stops both. Needs DJANGO_SECRET_KEY, DATABASE_URL, SITE_URL (https://) and, for more
# than one process, REDIS_URL (broker + cache). Behind a TLS proxy; DJANGO_SECURE_SSL_REDIRECT=False to try it
# over plain http. Metrics of every process are summed through PROMETHEUS_MULTIPROC_DIR (emptied at start).
PROD := DJANGO_SETTINGS_MODULE=supportdesk.settings.production
PROMETHEUS_MULTIPROC_DIR ?= $(CURDIR)/.prometheus
serve: install
	$(PROD) $(PY) manage.py migrate --noinput
	$(PROD) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PROD) $(PY) manage.py sync_email_schedules
	rm -rf $(PROMETHEUS_MULTIPROC_DIR) && mkdir -p $(PROMETHEUS_MULTIPROC_DIR)
	@echo "Serving on http://$(HOST):$(PORT)/ (gunicorn + uvicorn workers, production settings) - Ctrl-C stops web and worker"
	@trap 'kill 0' INT TERM EXIT; export PROMETHEUS_MULTIPROC_DIR=$(PROMETHEUS_MULTIPROC_DIR); \
	$(PROD) $(PY) manage.py run_worker & \
	$(PROD) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py & \
	wait

# nginx in front of two web processes and two django-q2 workers on this machine, sharing PostgreSQL (DATABASE_URL)
# and Redis (REDIS_URL); migrates first; logs in .cluster/; Ctrl-C stops it all (README "Running in production").
cluster: install
	$(PY) -m devdata.cluster

# locust scenarios (portal customers, agents in the admin, API ticket creation, mail arriving) against the cluster
# above, on DATABASE_URL (PostgreSQL) with a redis-server of its own; loopback only, LOADTEST_SECONDS in all (split
# between the scenarios). Prints throughput and p95 per scenario, writes bench/results/loadtest-*.json.
LOADTEST_SECONDS ?= 60
loadtest: install
	$(PY) -m devdata.loadtest.run --seconds $(LOADTEST_SECONDS) $(LOADTEST_ARGS)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	@if [ -x $(CHROMIUM) ]; then echo "e2e: browser tests run in $(CHROMIUM)"; \
	else echo "e2e: SKIPPED - $(CHROMIUM) not found (apt-get install chromium chromium-driver fonts-wqy-microhei)"; fi
	$(BIN)/pytest -rs $(PYTEST_ARGS) --ignore=tests/cluster
	@# The cluster suite last, on its own: its server processes commit to the test database (PostgreSQL only).
	$(BIN)/pytest -rs $(PYTEST_ARGS) tests/cluster

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the translation catalogs after changing user-facing strings; the compiled
# .mo files are committed so a fresh machine needs no gettext.
messages: install
	$(PY) manage.py makemessages --locale zh_Hans --locale zh_Hant --locale es --locale fr --locale id --locale vi --ignore '.venv/*' --ignore 'tests/*' --ignore 'staticfiles/*' --ignore 'bench/*' --no-obsolete
	$(PY) manage.py zh_hant_catalog
	$(PY) manage.py compilemessages --ignore '.venv/*'

# Benchmarks on their own database (bench/bench.sqlite3, or PostgreSQL via BENCH_DATABASE_URL), never
# the development one: `make bench BENCH_ARGS="--tickets 1000000 --http"`. Results go to bench/results/.
# Then the help-centre search and bot latency on 20,000 articles (rolled back afterwards), same database,
# the secret detector (p95 per 10 KB of mixed Chinese/English text, wordlist memory, detection figures), and
# email ingestion throughput.
BENCH_ARGS ?=
BENCH := DJANGO_SETTINGS_MODULE=supportdesk.settings.bench $(PY) manage.py
bench: bench-db
	$(BENCH) bench $(BENCH_ARGS)
	$(BENCH) knowledge_bench --articles 20000
	$(BENCH) detector_bench
	$(BENCH) bench_ingest

bench-knowledge: bench-db
	$(BENCH) knowledge_bench --articles 20000

bench-detector: install
	$(BENCH) detector_bench

# Email ingestion in one process (issue 22: >= 50 messages/s): generated mails polled over IMAPS from a local
# Dovecot when dovecot-imapd is installed, else read from bytes; `INGEST_ARGS="--messages 1000"`.
INGEST_ARGS ?=
bench-ingest: bench-db
	$(BENCH) bench_ingest $(INGEST_ARGS)

# Live chat under load (needs REDIS_URL: the server processes share the Redis channel layer), e.g.
# `make bench-chat REDIS_URL=redis://127.0.0.1:6379/1 CHAT_BENCH_ARGS="--customers 500 --agents 50 --processes 2"`.
CHAT_BENCH_ARGS ?=
bench-chat: bench-db
	$(BENCH) chat_bench $(CHAT_BENCH_ARGS)

# Field encryption (issue 26): admin pages with the customer columns in plaintext, then encrypted; rotation rate.
bench-privacy: bench-db
	$(BENCH) privacy_bench --customers 20000

bench-db: install
	$(BENCH) migrate --noinput
	$(BENCH) collectstatic --noinput --verbosity 0

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* private_media staticfiles .cache .prometheus
