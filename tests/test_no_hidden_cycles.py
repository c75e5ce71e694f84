"""No import inside a function hides an import cycle.

A module may import inside a function to load something only when it is first needed (a
screen opened from the home screen, a heavy library a command may never use). It must not
do so because the module it needs imports it back: such a cycle means a piece sits in the
wrong module, and it breaks the day someone tidies the import to the top. This reads every
module of sharetui and fails on each import inside a function whose target reaches the
importing module again through imports at the top of modules (not those only for type
checking, which never run).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import sharetui

ROOT = Path(sharetui.__file__).parent


def _module_names() -> dict[str, Path]:
    names = {}
    for path in ROOT.rglob("*.py"):
        parts = ("sharetui", *path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


MODULES = _module_names()


def _owner(dotted: str) -> str:
    """The module a dotted import names: itself, or the module it is a name in."""
    while dotted and dotted not in MODULES:
        dotted = dotted.rpartition(".")[0]
    return dotted


def _targets(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sharetui"):
        return [_owner(f"{node.module}.{alias.name}") for alias in node.names]
    if isinstance(node, ast.Import):
        return [_owner(a.name) for a in node.names if a.name.startswith("sharetui")]
    return []


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports() -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    """Each module's imports at its top, and every import inside a function."""
    top: dict[str, set[str]] = defaultdict(set)
    inside: list[tuple[str, int, str]] = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for stmt in tree.body:
            if _is_type_checking(stmt):
                continue
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            for node in ast.walk(stmt):
                top[name].update(t for t in _targets(node) if t)
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(func):
                    inside.extend((name, node.lineno, t) for t in _targets(node) if t)
    return top, inside


def _reaches(top: dict[str, set[str]], start: str, goal: str) -> bool:
    seen: set[str] = set()
    todo = [start]
    while todo:
        here = todo.pop()
        if here == goal:
            return True
        if here not in seen:
            seen.add(here)
            todo.extend(top[here])
    return False


def test_no_import_inside_a_function_breaks_a_cycle() -> None:
    top, inside = _imports()
    hidden = sorted(
        f"{module}:{line} imports {target}, which imports {module} back"
        for module, line, target in inside
        if target != module and _reaches(top, target, module)
    )
    assert hidden == []


def test_the_check_finds_a_cycle_when_there_is_one() -> None:
    """The check itself: a made-up pair of modules that import each other is found."""
    top = {"a": {"b"}, "b": {"a"}, "c": set()}
    assert _reaches(defaultdict(set, top), "b", "a")
    assert not _reaches(defaultdict(set, top), "c", "a")
