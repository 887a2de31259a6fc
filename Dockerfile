# SupportDesk image: web (gunicorn + uvicorn workers) and worker (`python manage.py qcluster`) run from it.
# Two stages: the build stage installs the requirements (without the test and lint tools) into a virtualenv
# and collects the static files; the final stage copies both, and runs as an unprivileged user.
# compose.yaml shows the services around it. Build: docker build -t supportdesk .

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
COPY requirements.txt .
# Test, browser and lint tools are not needed to serve.
RUN grep -viE '^(playwright|pytest|pytest-django|factory_boy|faker|hypothesis|hypothesis-graphql|schemathesis|moto|locust|ruff|import-linter|grimp)==' \
        requirements.txt > requirements-serve.txt \
    && python -m venv /venv \
    && /venv/bin/pip install -r requirements-serve.txt
COPY . .
# collectstatic imports the production settings, which refuse to load without these: build-time values only.
RUN DJANGO_SETTINGS_MODULE=supportdesk.settings.production DJANGO_SECRET_KEY=build-only-not-a-secret \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 SITE_URL=https://build.invalid \
    FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1ub3QtYS1rZXktYnVpbGQtb25seS0= FIELD_BLIND_INDEX_KEY=build-only \
    /venv/bin/python manage.py collectstatic --noinput --verbosity 0

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --no-create-home --home-dir /app supportdesk \
    && mkdir -p /data/media /tmp/prometheus && chown supportdesk /data/media /tmp/prometheus
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build /app /app
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=supportdesk.settings.production \
    GUNICORN_BIND=0.0.0.0:8000 \
    PRIVATE_MEDIA_ROOT=/data/media \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
USER supportdesk
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
