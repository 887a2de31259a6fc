"""No production app imports devdata: demo data and benchmarks stay out of the code that runs in production.

The production apps are the project's own installed apps (found from INSTALLED_APPS, so a new app is
covered without editing this test), minus devdata itself and the settings package, which lists
devdata in INSTALLED_APPS for its management commands.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR).resolve()
SETTINGS_DIR = BASE_DIR / "supportdesk" / "settings"


def production_app_dirs() -> list[Path]:
    dirs = {Path(config.path).resolve() for config in apps.get_app_configs() if config.name != "devdata"}
    return sorted(path for path in dirs if path.is_relative_to(BASE_DIR))


def devdata_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules = [node.module or ""]
        else:
            continue
        found += [f"{path.relative_to(BASE_DIR)}:{node.lineno} {module}" for module in modules
                  if module == "devdata" or module.startswith("devdata.")]  # fmt: skip
    return found


def test_the_production_apps_are_found():
    names = {path.name for path in production_app_dirs()}

    assert {"supportdesk", "tickets", "feedback", "knowledge"} <= names
    assert "devdata" not in names


def test_no_production_app_imports_devdata():
    offenders = [
        found
        for app_dir in production_app_dirs()
        for path in app_dir.rglob("*.py")
        if not path.is_relative_to(SETTINGS_DIR)
        for found in devdata_imports(path)
    ]

    assert offenders == []


def test_the_check_sees_an_import_of_devdata(tmp_path, monkeypatch):
    module = tmp_path / "leaky.py"
    module.write_text("import devdata.demo\nfrom devdata.bench import seed\nfrom devdatabase import x\n")
    monkeypatch.setattr(f"{__name__}.BASE_DIR", tmp_path)

    assert devdata_imports(module) == ["leaky.py:1 devdata.demo", "leaky.py:2 devdata.bench"]
