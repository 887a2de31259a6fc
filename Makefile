# SupportDesk: `make run` sets up a fresh machine and serves on http://127.0.0.1:8000;
# `make test` runs every quality gate.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo lint format messages bench clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(BIN)/activate

install: $(BIN)/activate

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# Web server and django-q2 worker together; Ctrl-C stops both.
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: /admin/, health: /healthz) - Ctrl-C stops web and worker"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py qcluster & \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT) & \
	wait

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the translation catalogs after changing user-facing strings; the compiled
# .mo files are committed so a fresh machine needs no gettext.
messages: install
	$(PY) manage.py makemessages --locale zh_Hans --locale es --locale fr --locale id --locale vi --ignore '.venv/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

# Benchmarks on their own database (bench/bench.sqlite3, or PostgreSQL via BENCH_DATABASE_URL), never
# the development one: `make bench BENCH_ARGS="--tickets 1000000 --http"`. Results go to bench/results/.
BENCH_ARGS ?=
bench: install
	DJANGO_SETTINGS_MODULE=supportdesk.settings.bench $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=supportdesk.settings.bench $(PY) manage.py collectstatic --noinput --verbosity 0
	DJANGO_SETTINGS_MODULE=supportdesk.settings.bench $(PY) manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* private_media staticfiles
