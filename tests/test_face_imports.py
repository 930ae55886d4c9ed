"""Faces never import faces (DESIGN.md, "The shape of the code").

A face is a module that answers requests or socket events: it registers routes (``@bp.get``,
``@bp.route``...) or socket handlers (``@socketio.on``). What two faces share (a loader that
checks access, a listing with its filters, a page's context) lives on the domain's read side
(``<domain>/queries.py``), so one face changing its page never breaks another. Read with
``ast``: the modules are not imported, so the guard sees every face whether or not it loads.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "livinglab"

_ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete", "on"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _decorator_name(node: ast.expr) -> str | None:
    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else None


def is_face(tree: ast.Module) -> bool:
    """Registers at least one route or socket handler."""
    return any(
        _decorator_name(decorator) in _ROUTE_DECORATORS
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
    )


def imported_modules(tree: ast.Module, module: str) -> set[str]:
    """Every module a file imports, including ``from package import submodule``."""
    names: set[str] = set()
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def faces() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if is_face(tree):
            found[_module_name(path)] = tree
    return found


def face_to_face_imports() -> list[str]:
    every = faces()
    return sorted(
        f"{module} imports {other}"
        for module, tree in every.items()
        for other in imported_modules(tree, module)
        if other in every and other != module
    )


def test_the_guard_finds_the_faces():
    """Would pass vacuously if the face detection broke: it must see views, API and sockets."""
    found = faces()
    for expected in (
        "livinglab.ideas.views",
        "livinglab.pilots.views",
        "livinglab.accounts.members",
        "livinglab.api.content",
        "livinglab.discussion.events",
    ):
        assert expected in found
    assert "livinglab.ideas.queries" not in found


def test_the_guard_sees_an_import_between_faces():
    tree = ast.parse(
        "from livinglab.ideas.views import show\n"
        "from livinglab.challenges import views\n"
        "from . import queries\n"
    )
    names = imported_modules(tree, "livinglab.pilots.views")
    assert {"livinglab.ideas.views", "livinglab.challenges.views"} <= names
    assert "livinglab.pilots.queries" in names


def test_no_face_imports_another_face():
    assert face_to_face_imports() == []
