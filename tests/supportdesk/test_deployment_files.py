"""Dockerfile and compose.yaml stay in line with the settings (docker itself is not run here).

The variables the settings read are found by parsing supportdesk/settings/*.py for env(...) / env.<cast>(...)
calls, and gunicorn.conf.py for os.environ reads; the deployment files may set only those, and must set every
one production requires.
"""

import ast
import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Read by Django itself and by prometheus-client, not by our settings.
LIBRARY_VARIABLES = {"DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR"}
# The containers' own basics.
IMAGE_VARIABLES = {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"}


def _env_reads(path: Path) -> dict[str, bool]:
    """{variable: has a default} for every env("X", ...) / env.int("X", ...) / os.environ.get("X") call."""
    reads = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        function = node.func
        is_env = (isinstance(function, ast.Name) and function.id == "env") or (
            isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name) and function.value.id == "env"
        )
        is_environ = (
            isinstance(function, ast.Attribute)
            and function.attr == "get"
            and isinstance(function.value, ast.Attribute)
            and function.value.attr == "environ"
        )
        if is_env or is_environ:
            has_default = any(keyword.arg == "default" for keyword in node.keywords) or len(node.args) > 1
            name = node.args[0].value
            reads[name] = reads.get(name, False) or has_default
    return reads


def settings_reads() -> dict[str, bool]:
    reads = {}
    for path in [*sorted((ROOT / "supportdesk" / "settings").glob("*.py")), ROOT / "gunicorn.conf.py"]:
        for name, has_default in _env_reads(path).items():
            reads[name] = reads.get(name, False) or has_default
    return reads


def production_required() -> set[str]:
    """Variables production.py reads without a default: it refuses to start without them."""
    return {
        name for name, has_default in _env_reads(ROOT / "supportdesk/settings/production.py").items() if not has_default
    }


def compose_app_variables() -> dict[str, set[str]]:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return {
        name: set(service.get("environment", {}))
        for name, service in compose["services"].items()
        if service.get("image") == "supportdesk"
    }


def dockerfile_variables() -> set[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    final_stage = text.rsplit("\nFROM ", 1)[1]
    names = set()
    for line in final_stage.splitlines():
        if line.startswith("ENV "):
            names |= set(re.findall(r"([A-Z_][A-Z0-9_]*)=", line))
    return names


def test_the_settings_parser_finds_known_reads():
    reads = settings_reads()

    assert reads["DATABASE_URL"] is True  # base.py has a default, production.py not
    assert reads["REDIS_URL"] is True
    assert "WEB_CONCURRENCY" in reads
    assert production_required() >= {"DJANGO_SECRET_KEY", "DATABASE_URL", "SITE_URL"}


def test_compose_sets_only_variables_the_settings_read_and_every_required_one():
    known = set(settings_reads()) | LIBRARY_VARIABLES
    services = compose_app_variables()

    assert set(services) == {"migrate", "web", "worker"}
    for name, variables in services.items():
        assert variables - known == set(), f"{name} sets variables nothing reads"
        assert production_required() - variables == set(), f"{name} lacks required variables"


def test_the_image_sets_only_variables_that_are_read():
    assert dockerfile_variables() - IMAGE_VARIABLES - set(settings_reads()) - LIBRARY_VARIABLES == set()
    assert "DJANGO_SETTINGS_MODULE" in dockerfile_variables()


def test_the_image_runs_as_an_unprivileged_user_in_a_multi_stage_build():
    text = (ROOT / "Dockerfile").read_text()

    assert text.count("\nFROM ") + text.startswith("FROM ") == 2
    assert re.search(r"^USER (?!root)\w+", text, re.MULTILINE)
    assert "gunicorn.conf.py" in text


def test_every_variable_the_settings_read_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    # Grouped rows name a family once: `LOGIN_GUARD_FREE_FAILURES` / `_BASE_DELAY_SECONDS` / …
    suffixes = set(re.findall(r"`(_[A-Z0-9_]+)`", readme))

    def is_documented(name: str) -> bool:
        if name in documented:
            return True
        return any(
            name.endswith(suffix) and any(other.startswith(name.removesuffix(suffix) + "_") for other in documented)
            for suffix in suffixes
        )

    assert sorted(name for name in settings_reads() if not is_documented(name)) == []
