"""The architecture holds: safety/db/ imports nothing from the domain, no module of safety/ imports itself round a
circle, the packages keep their layers (import-linter's contracts in pyproject.toml), and code outside an area uses
only the modules its package names."""

from __future__ import annotations

import copy
import importlib

import grimp
import pytest
from importlinter.cli import lint_imports

from conftest import ROOT

AREAS = ("access", "checklists", "files", "incidents", "indicators", "register")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """Every import in safety/ and app_pages/, those inside functions and under TYPE_CHECKING included."""
    return grimp.build_graph("safety", "app_pages", cache_dir=None)


def cycles(graph: grimp.ImportGraph, package: str = "safety") -> list[list[str]]:
    """The import circles among the modules under `package` (strongly connected groups of more than one)."""
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in modules:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_the_store_imports_nothing_from_the_domain(graph):
    allowed = ("safety.db", "safety.errors")
    wrong = sorted(
        (module, imported)
        for module in graph.find_descendants("safety.db")
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("safety") and not imported.startswith(allowed)
    )
    assert wrong == []


def test_no_import_circle_anywhere_in_safety(graph):
    assert cycles(graph) == []


def test_the_circle_finder_finds_a_circle(graph):
    changed = copy.deepcopy(graph)
    changed.add_import(importer="safety.db.store", imported="safety.demo")  # demo reaches the store, so: a circle
    assert any({"safety.db.store", "safety.demo"} <= set(group) for group in cycles(changed))


def test_import_linter_contracts_hold(capsys):
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None)
    assert status == 0, capsys.readouterr().out


def named_modules(package: str) -> set[str]:
    """The modules a package's __all__ names, and those a named subpackage names in turn."""
    named = set()
    for name in importlib.import_module(package).__all__:
        module = f"{package}.{name}"
        named.add(module)
        if hasattr(importlib.import_module(module), "__path__"):
            named |= named_modules(module)
    return named


@pytest.mark.parametrize("area", AREAS)
def test_code_outside_an_area_uses_only_the_modules_it_names(graph, area):
    package = f"safety.{area}"
    public = named_modules(package)
    assert all(graph.find_children(m.rpartition(".")[0]) >= {m} for m in public), "a package names a module it lacks"
    inside = graph.find_descendants(package)
    wrong = sorted(
        (importer, imported)
        for imported in inside - public
        for importer in graph.find_modules_that_directly_import(imported)
        if importer not in inside
    )
    assert wrong == []


def test_no_database_driver_is_imported_outside_the_store():
    """duckdb and psycopg are imported only by safety/db/: every other module speaks to the Store and its Cursor."""
    drivers = grimp.build_graph("safety", "app_pages", "duckdb", "psycopg", "psycopg_pool", cache_dir=None)
    importers = {
        importer
        for driver in ("duckdb", "psycopg", "psycopg_pool")
        for importer in drivers.find_modules_that_directly_import(driver)
        if importer.startswith(("safety", "app_pages"))
    }
    assert importers and all(m.startswith("safety.db.") for m in importers), sorted(importers)
