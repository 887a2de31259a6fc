"""The layout is the architecture: .importlinter names the layers, and every module sits in one of them.

lint-imports (in `make test`) checks the imports between the layers; these tests check that no module
escapes the contract by not being listed, so a new top-level module cannot silently skip the check.
"""

import ast
import configparser
import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def layer_modules() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    modules = set()
    for section in config.sections():
        if config[section].get("type") == "layers":
            for line in config[section]["layers"].split("\n"):
                modules.update(name.strip() for name in line.replace("|", ":").split(":") if name.strip())
    return modules


def test_the_contract_names_the_layers_from_wiring_to_kit():
    modules = layer_modules()
    assert {"tickets", "supportdesk.kit", "supportdesk.urls", "supportdesk.roles"} <= modules


@pytest.mark.parametrize("package", ["supportdesk"])
def test_every_module_of_the_top_package_is_in_a_layer(package):
    listed = layer_modules()
    found = {f"{package}.{info.name}" for info in pkgutil.iter_modules(importlib.import_module(package).__path__)}
    assert found, "the package has modules"
    assert sorted(found - listed) == []


def test_every_installed_project_app_is_a_root_package_of_the_contract():
    from django.apps import apps

    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    roots = set(config["importlinter"]["root_packages"].split())
    project_apps = {app.name for app in apps.get_app_configs() if (ROOT / app.name).is_dir()}
    assert project_apps
    assert sorted(project_apps - roots) == []


PROJECT_PACKAGES = ("supportdesk", "tickets", "feedback", "knowledge", "training", "workforce", "devdata")


def project_sources():
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def is_project_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private_imports(source: str) -> list[str]:
    """`from x import _name` of a project module, and `module._name` on a project module imported by name."""
    tree = ast.parse(source)
    project_module_names: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PROJECT_PACKAGES):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"from {node.module} import {alias.name}")
                elif is_project_module(f"{node.module}.{alias.name}"):
                    project_module_names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PROJECT_PACKAGES):
                    project_module_names.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in project_module_names
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_the_private_import_check_finds_both_forms():
    source = "from tickets.services import _lock\nfrom tickets import services\nservices._event()\n"
    assert private_imports(source) == ["from tickets.services import _lock", "services._event"]


def test_no_module_imports_a_private_name_of_another():
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in project_sources()
        if (found := private_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


MAX_MODULE_LINES = 500


def test_no_module_is_over_the_size_where_it_should_split_by_noun():
    """Migrations are generated; everything else, tests included, splits by noun before this size."""
    sizes = {
        str(path.relative_to(ROOT)): lines
        for folder in (*PROJECT_PACKAGES, "tests")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert sizes == {}
