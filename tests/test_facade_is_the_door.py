"""Screens, commands and the demo hold only the `Services` facade: none of them reaches
through it to the store (a unit of work that opens sessions), nor builds a service or a
store of its own. import-linter keeps them from importing the store package and SQLAlchemy;
this keeps them from the store object they could still be handed, which no import shows."""

from __future__ import annotations

import ast
from pathlib import Path

import sharetui

ABOVE_THE_SERVICES = ("ui", "commands", "demo", "cli.py")
# Services whose constructors take the store: built only by the facade.
BUILT_BY_THE_FACADE = {"Store", "Reports", "Governors", "Export", "AuditTrail", "DemoMarks"}


def _modules() -> list[Path]:
    root = Path(sharetui.__file__).parent
    found: list[Path] = []
    for part in ABOVE_THE_SERVICES:
        where = root / part
        found.extend([where] if where.is_file() else sorted(where.rglob("*.py")))
    return found


def _reaches(source: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "store":
            found.append(f"{where}:{node.lineno} reaches .store")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in BUILT_BY_THE_FACADE
        ):
            found.append(f"{where}:{node.lineno} builds {node.func.id}(...)")
    return found


def test_nothing_above_the_services_reaches_the_store() -> None:
    root = Path(sharetui.__file__).parent
    modules = _modules()
    assert len(modules) > 50  # the walk found the screens and commands
    reached = [
        line
        for path in modules
        for line in _reaches(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    ]
    assert reached == []


def test_the_check_sees_a_reach_through_the_facade() -> None:
    """The check itself fails on what it is there to catch."""
    source = "def load(svc):\n    return Reports(svc.store).build()\n"
    assert sorted(_reaches(source, "screen.py")) == [
        "screen.py:2 builds Reports(...)",
        "screen.py:2 reaches .store",
    ]
