"""Links are built from the routes, never written by hand.

A path typed into Python (``f"/ideas/{idea.id}"``) silently breaks when a route moves; the
routes themselves and ``url_for``/``path_for`` cannot disagree. The guard reads the package with
``ast`` and flags every string that starts with the first segment of one of the app's routes,
outside the places that declare routes. The other tests pin what the links are: notifications
store theirs, so they must read exactly as before, whether a page or a command made them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask import Flask, url_for

from livinglab import content
from livinglab.core.links import path_for

PACKAGE = Path(__file__).resolve().parent.parent / "livinglab"

# Calls whose string arguments declare routes (or test a request's path), not build links.
_DECLARING = {"route", "get", "post", "put", "patch", "delete", "add_url_rule", "startswith"}


def app_segments(app: Flask) -> set[str]:
    """The first segment of every route (``ideas`` of ``/ideas/<int:idea_id>``)."""
    segments = set()
    for rule in app.url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            segments.add(first.split(".", 1)[0])
    return segments


def _pieces(node: ast.AST) -> list[str]:
    """The literal text of a string, or of each literal piece of an f-string
    (``f"{base}/events/{id}"`` has ``/events/``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    return []


def _left_alone(tree: ast.Module) -> set[int]:
    """ids of the strings that may spell out paths: the arguments that declare routes (or
    test a request's path), docstrings, and the pieces of an f-string (read as a whole)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in _DECLARING:
                skipped.update(id(arg) for arg in node.args)
            skipped.update(id(kw.value) for kw in node.keywords if kw.arg == "url_prefix")
        elif isinstance(node, ast.Expr) and _pieces(node.value):
            skipped.add(id(node.value))  # a docstring or a bare string: documentation
        elif isinstance(node, ast.JoinedStr):
            skipped.update(id(value) for value in node.values)
    return skipped


def hand_built_paths(source: str, segments: set[str], filename: str = "<string>") -> list[str]:
    """``line: text`` of every string in ``source`` that spells out a path of the app."""
    pattern = re.compile(r"(?:^|href=[\"'])/(" + "|".join(map(re.escape, segments)) + r")\b")
    tree = ast.parse(source, filename)
    skipped = _left_alone(tree)
    return [
        f"{node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if id(node) not in skipped and any(pattern.search(text) for text in _pieces(node))
    ]


@pytest.mark.parametrize(
    "line",
    [
        'link = f"/ideas/{idea.id}"',
        'notify(user, "kind", link="/profile")',
        'paths = {"user": "/members/{}"}',
        'return redirect(f"/ideas/{idea.id}#reviews")',
        "page = '<a href=\"/pilots/3\">pilot</a>'",
    ],
)
def test_the_guard_recognises_a_path_built_by_hand(app: Flask, line: str) -> None:
    assert hand_built_paths(line, app_segments(app))


@pytest.mark.parametrize(
    "line",
    [
        '@bp.get("/ideas/<int:idea_id>")\ndef show(idea_id): ...',
        'bp = Blueprint("admin", __name__, url_prefix="/admin")',
        'is_api = request.path.startswith("/api/")',
        'def f():\n    """Links to ``/ideas/<id>``."""',
        'name = filename.replace("\\\\", "/")',
        'link = url_for("ideas.show", idea_id=3)',
    ],
)
def test_the_guard_leaves_routes_checks_and_documentation_alone(app: Flask, line: str) -> None:
    assert not hand_built_paths(line, app_segments(app))


# Modules written while the rule came in, still spelling out paths; each leaves this list
# when it builds them from the routes (the test below fails until the entry is removed).
NOT_YET_CONVERTED = {
    # Matches request.path before routing (no session there): could be read off the URL map.
    "livinglab/ops/health.py",
}


def test_no_module_builds_an_app_path_by_hand(app: Flask) -> None:
    segments = app_segments(app)
    assert {"ideas", "pilots", "challenges", "profile", "members", "activity"} <= segments
    by_module = {
        str(path.relative_to(PACKAGE.parent)): hand_built_paths(
            path.read_text(encoding="utf-8"), segments, str(path)
        )
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    found = [
        f"{module}:{hit}"
        for module, hits in by_module.items()
        if module not in NOT_YET_CONVERTED
        for hit in hits
    ]
    assert not found, (
        "build links from the routes: url_for(...) in a view, "
        "livinglab.core.links.path_for(...) elsewhere:\n" + "\n".join(found)
    )
    converted = sorted(m for m in NOT_YET_CONVERTED if not by_module.get(m))
    assert not converted, f"these build their links from the routes now: {converted}"


# --- What the links are -------------------------------------------------------------------


def test_path_for_is_url_for_without_a_request(app: Flask) -> None:
    """A command (no request, no SERVER_NAME) gets the same path a page gets."""
    with app.app_context():
        from_a_command = path_for("ideas.show", idea_id=7, anchor="reviews")
    with app.test_request_context():
        from_a_page = url_for("ideas.show", idea_id=7, _anchor="reviews")
    assert from_a_command == from_a_page == "/ideas/7#reviews"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("challenge", "/challenges/5"), ("idea", "/ideas/5"), ("pilot", "/pilots/5")],
)
def test_content_links_read_as_before(app: Flask, kind: str, expected: str) -> None:
    found = content.get(kind)
    assert found is not None
    with app.app_context():
        assert found.url_of(_Stub(id=5)) == expected


def test_a_comment_links_to_its_place_on_every_commentable_page(app: Flask) -> None:
    """The page of each commentable kind, with the comment's anchor: what moderation
    notifications store (``/ideas/3#comment-9``)."""
    comments = content.get("comment")
    assert comments is not None
    with app.app_context():
        for name in content.commentable_kinds():
            kind = content.get(name)
            assert kind is not None
            comment = _Stub(id=9, target_type=name, target_id=3)
            assert comments.url_of(comment) == kind.url_of(_Stub(id=3)) + "#comment-9"


class _Stub:
    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)
