"""Guards against text a person reads that no translator can reach.

Templates are read with Jinja's own lexer: literal text outside ``{{ }}``/``{% %}`` and
outside ``{% trans %}`` blocks must not contain words. Python is read with ``ast``: the
places whose text reaches a person (flash, form labels, validator messages, service
errors, policy reasons, API and socket errors, notifications) must not be given a plain
string literal.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from babel.messages.catalog import Catalog

from tests.i18n_catalog import fresh_extraction

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
PACKAGE = ROOT / "livinglab"

WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")

# Words that are the same in every language: formats and the API's own names.
ALLOWED_WORDS = {
    "API",
    "CSV",
    "JSON",
    "OpenAPI",
    "api",  # the base address /api/v1
    "openapi",  # the file name openapi.json
    "json",
}

# Attributes a person reads or hears (screen readers) although they are not element text.
HUMAN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "label"}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}

ATTRIBUTE = re.compile(r"""(?P<name>[\w:-]+)=(?P<q>["'])(?P<value>.*?)(?P=q)""", re.S)

# Stands for every {{ }} / {% %} / {% trans %} construct in the rebuilt page.
MARK = "\x1a"


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.replace(MARK, " ")) if w not in ALLOWED_WORDS]


def _unmarked_source(env: jinja2.Environment, source: str) -> str:
    """The template with only its literal text kept; all else becomes MARK, lines kept."""
    parts: list[str] = []
    line = 1
    in_trans = False
    after_block_begin = False
    for lineno, kind, value in env.lex(source):
        if lineno > line:  # whitespace control ({%- -%}) drops newlines from the tokens
            parts.append("\n" * (lineno - line))
            line = lineno
        if kind == "block_begin":
            after_block_begin = True
        elif kind == "name" and after_block_begin:
            in_trans = value == "trans" or (in_trans and value not in ("endtrans",))
            after_block_begin = False
        elif kind != "whitespace":
            after_block_begin = False
        if kind == "data" and not in_trans:
            parts.append(value)
        else:
            parts.append(MARK + "\n" * value.count("\n"))
        line += value.count("\n")
    return re.sub(MARK + "+", MARK, "".join(parts))


class _TextFinder(HTMLParser):
    """Collects (line, text) of element text and human-readable attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw_text: str | None = None  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._raw_text = tag
        values = dict(attrs)
        line = self.getpos()[0]
        source = self.get_starttag_text() or ""
        for name, value in attrs:
            human = name in HUMAN_ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES
            )
            if human and value and _words(value):
                offset = source.find(name + "=")
                self.found.append((line + source[: max(offset, 0)].count("\n"), value))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._raw_text = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw_text:
            self._raw_text = None

    def handle_data(self, data: str) -> None:
        if self._raw_text:
            return
        # A macro may print attributes (name="value") outside any tag: markup, not prose.
        for found in ATTRIBUTE.finditer(data):
            if found["name"] in HUMAN_ATTRIBUTES and _words(found["value"]):
                line = self.getpos()[0] + data[: found.start()].count("\n")
                self.found.append((line, found["value"]))
        data = ATTRIBUTE.sub(lambda m: " " * len(m[0]), data)
        if not _words(data):
            return
        first = WORD.search(data.replace(MARK, " "))
        line = self.getpos()[0] + data[: first.start() if first else 0].count("\n")
        self.found.append((line, data))


def _rel(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else Path(path.name)


def _clean(text: str) -> str:
    return " ".join(text.replace(MARK, "{…}").split())


def unmarked_template_text(path: Path, env: jinja2.Environment) -> list[str]:
    finder = _TextFinder()
    finder.feed(_unmarked_source(env, path.read_text(encoding="utf-8")))
    finder.close()
    rel = _rel(path)
    return [f"{rel}:{line}: {_clean(text)!r}" for line, text in finder.found]


@pytest.fixture(scope="module")
def jinja_env() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])


def test_template_finder_catches_text_and_attributes(tmp_path, jinja_env):
    page = tmp_path / "page.html"
    page.write_text(
        "<h1>{{ _('Fine') }}</h1>\n"
        "<p>{% trans n=3 %}Also fine {{ n }}{% endtrans %}</p>\n"
        "<p>{{ count }} ideas</p>\n"
        '<input type="submit" value="Send">\n'
        '<a title="{{ _(\'ok\') }}" aria-label="Close">×</a>\n'
        "<script>let words = 'not shown';</script><!-- a comment -->\n"
        "<p><a href='/x.csv'>CSV</a> · JSON &rarr;</p>\n",
        encoding="utf-8",
    )
    found = unmarked_template_text(page, jinja_env)
    assert [f.split(": ", 1)[0].rsplit(":", 1)[1] for f in found] == ["3", "4", "5"]
    assert "'{…} ideas'" in found[0] and "'Send'" in found[1] and "'Close'" in found[2]


def test_templates_mark_every_visible_text_for_translation(jinja_env):
    problems = [
        problem
        for path in sorted(TEMPLATES.rglob("*.html"))
        for problem in unmarked_template_text(path, jinja_env)
    ]
    assert not problems, (
        "Text shown to people but not marked for translation "
        '(wrap it in {{ _("...") }} or {% trans %}):\n' + "\n".join(problems)
    )


# --- Python ---------------------------------------------------------------------------

GETTEXT = {
    "_",
    "_l",
    "gettext",
    "lazy_gettext",
    "ngettext",
    "lazy_ngettext",
    "pgettext",
    "lazy_pgettext",
    "npgettext",
}
EAGER_GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext"}

# callee name -> (positions, keywords) of the text argument.
TEXT_SINKS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "flash": ((0,), ("message",)),
    "ValidationError": ((0,), ("message",)),
    "StopValidation": ((0,), ("message",)),
    "abort": ((1,), ("description",)),
    "error_response": ((1,), ("message",)),  # livinglab/api/errors.py
    "operation": ((0,), ("summary",)),  # API summaries in the document, livinglab/api/schema.py
    "_error": ((1,), ("message",)),  # socket acknowledgements, livinglab/discussion/events.py
    "_forbidden": ((0,), ("reason",)),  # livinglab/policy/core.py
    "_conflict": ((0,), ("reason",)),
    "_not_found": ((0,), ("reason",)),
    "Verdict": ((2,), ("reason",)),
    "SelectChoice": ((1,), ("label",)),  # WTForms choices
}
# callee name -> position and keyword of a {field: message} mapping.
FIELD_SINKS: dict[str, tuple[int, str]] = {
    "error_response": (2, "fields"),
    "_error": (2, "fields"),
}
# render_kw keys that become attributes people read.
RENDER_KW_KEYS = {"placeholder", "title", "aria-label", "alt"}
# The OpenAPI document is also a page for people (/api/v1/docs).
OPENAPI_KEYS = {"summary", "description", "title"}


def _python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _service_error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """ServiceError and every class that derives from it, anywhere in the package."""
    names = {"ServiceError"}
    classes = [
        (node.name, {getattr(b, "id", getattr(b, "attr", None)) for b in node.bases})
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    ]
    grew = True
    while grew:
        grew = False
        for name, bases in classes:
            if name not in names and bases & names:
                names.add(name)
                grew = True
    return names


class _Module:
    """One parsed module, with what a name was assigned in each scope."""

    def __init__(self, path: Path, tree: ast.Module) -> None:
        self.path = path
        self.tree = tree
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def scope_of(self, node: ast.AST) -> ast.AST:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return node
        return self.tree

    def assigned(self, name: str, scope: ast.AST) -> Iterator[ast.expr]:
        """Values bound to ``name`` in a scope (``name = v``; ``name[k] = v`` as ``{k: v}``)."""
        for node in ast.walk(scope):
            if node is not scope and self.scope_of(node) is not scope:
                continue
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        yield node.value
                    elif (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == name
                    ):
                        yield ast.Dict(keys=[target.slice], values=[node.value])
            elif isinstance(node, ast.NamedExpr) and node.target.id == name:
                yield node.value

    def resolve(self, node: ast.Name) -> list[ast.expr]:
        scope = self.scope_of(node)
        values = list(self.assigned(node.id, scope))
        if not values and scope is not self.tree:
            values = list(self.assigned(node.id, self.tree))
        return values


def _is_gettext(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _callee(node) in GETTEXT


def plain_text(node: ast.AST | None, module: _Module, depth: int = 0) -> str | None:
    """The literal human text ``node`` would show untranslated, if any."""
    if node is None or depth > 4:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) and WORD.search(node.value) else None
    if isinstance(node, ast.JoinedStr):
        literal = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return ast.unparse(node) if WORD.search(literal) else None
    if isinstance(node, ast.BinOp):
        return plain_text(node.left, module, depth + 1) or plain_text(node.right, module, depth + 1)
    if isinstance(node, ast.IfExp):
        return plain_text(node.body, module, depth + 1) or plain_text(
            node.orelse, module, depth + 1
        )
    if isinstance(node, ast.BoolOp):
        return next(
            (t for v in node.values if (t := plain_text(v, module, depth + 1))),
            None,
        )
    if isinstance(node, ast.Call):
        if _is_gettext(node):
            return None
        name = _callee(node)
        if name == "str" and node.args:
            return plain_text(node.args[0], module, depth + 1)
        if isinstance(node.func, ast.Attribute) and name in ("format", "join"):
            return plain_text(node.func.value, module, depth + 1)
        return None
    if isinstance(node, ast.Name):
        return next(
            (t for v in module.resolve(node) if (t := plain_text(v, module, depth + 1))),
            None,
        )
    return None


def _mapping_values(node: ast.AST | None, module: _Module, depth: int = 0) -> list[ast.expr]:
    """The message expressions of a {field: message} argument."""
    if node is None or depth > 3:
        return []
    if isinstance(node, ast.Dict):
        return list(node.values)
    if isinstance(node, ast.DictComp):
        return [node.value]
    if isinstance(node, ast.Call) and _callee(node) == "dict":
        return [k.value for k in node.keywords]
    if isinstance(node, ast.Name):
        return [v for a in module.resolve(node) for v in _mapping_values(a, module, depth + 1)]
    return []


def _argument(call: ast.Call, position: int | None, keyword: str | None) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and len(call.args) > position:
        arg = call.args[position]
        return None if isinstance(arg, ast.Starred) else arg
    return None


def _user_text_arguments(
    call: ast.Call, module: _Module, errors: set[str]
) -> Iterator[tuple[str, ast.expr]]:
    """(what, expression) of every argument of ``call`` whose text a person reads."""
    name = _callee(call) or ""
    if name in TEXT_SINKS:
        positions, keywords = TEXT_SINKS[name]
        for position, keyword in zip(positions, keywords, strict=True):
            if (arg := _argument(call, position, keyword)) is not None:
                yield f"{name}() {keyword}", arg
    if name in FIELD_SINKS:
        position, keyword = FIELD_SINKS[name]
        for value in _mapping_values(_argument(call, position, keyword), module):
            yield f"{name}() {keyword}", value
    if name in errors:
        if (arg := _argument(call, 0, "message")) is not None:
            yield f"{name}() message", arg
        for value in _mapping_values(_argument(call, 1, "fields"), module):
            yield f"{name}() fields", value
    if name.endswith("Field"):  # WTForms fields and the project's own (CheckboxesField)
        if (arg := _argument(call, 0, "label")) is not None:
            yield f"{name}() label", arg
        if (arg := _argument(call, None, "description")) is not None:
            yield f"{name}() description", arg
        choices = _argument(call, None, "choices")
        if isinstance(choices, ast.List | ast.Tuple):
            for choice in choices.elts:
                if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                    yield f"{name}() choice", choice.elts[1]
        render_kw = _argument(call, None, "render_kw")
        if isinstance(render_kw, ast.Dict):
            for key, value in zip(render_kw.keys, render_kw.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in RENDER_KW_KEYS:
                    yield f"{name}() render_kw {key.value}", value
    for kw in call.keywords:
        if kw.arg == "message" and name not in TEXT_SINKS and name not in errors:
            yield f"{name}() message", kw.value  # validators: DataRequired(message=...)


def _modules() -> list[_Module]:
    return [_Module(p, ast.parse(p.read_text(encoding="utf-8"), str(p))) for p in _python_files()]


@pytest.fixture(scope="module")
def modules() -> list[_Module]:
    return _modules()


def unmarked_python_text(modules: list[_Module]) -> list[str]:
    errors = _service_error_classes({m.path: m.tree for m in modules})
    problems = []
    for module in modules:
        rel = _rel(module.path)
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call):
                for what, arg in _user_text_arguments(node, module, errors):
                    if (text := plain_text(arg, module)) is not None:
                        problems.append(f"{rel}:{arg.lineno}: {what}: {text!r}")
            if module.path.name != "openapi.py":
                continue
            if isinstance(node, ast.Call) and _callee(node) == "op":
                if (text := plain_text(_argument(node, 0, "summary"), module)) is not None:
                    problems.append(f"{rel}:{node.lineno}: openapi summary: {text!r}")
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value in OPENAPI_KEYS
                        and (text := plain_text(value, module)) is not None
                    ):
                        problems.append(f"{rel}:{value.lineno}: openapi {key.value}: {text!r}")
    return problems


def test_python_gives_people_only_translated_text(modules):
    problems = unmarked_python_text(modules)
    assert not problems, (
        "Plain strings reach people untranslated (wrap them in _() inside a request, "
        "_l() at import time):\n" + "\n".join(sorted(set(problems)))
    )


def test_python_finder_catches_plain_strings(tmp_path):
    path = tmp_path / "sample.py"
    path.write_text(
        "from wtforms import StringField\n"
        "from wtforms.validators import DataRequired\n"
        "class Invalid(ServiceError): pass\n"
        "def view():\n"
        "    flash(_('fine'))\n"
        "    flash('Saved.')\n"
        "    message = 'Too long.'\n"
        "    raise Invalid(message, {'body': message})\n"
        "title = StringField('Title', validators=[DataRequired(message=_l('ok'))])\n"
        "error = _error(400, f'{x} is wrong', {'room': _('Unknown room.')})\n"
        "kind = SelectField(_l('Kind'), choices=[SelectChoice('a', 'Apple')])\n",
        encoding="utf-8",
    )
    module = _Module(path, ast.parse(path.read_text()))
    found = [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in unmarked_python_text([module])]
    assert sorted(found) == ["10", "11", "6", "8", "8", "9"]


def test_gettext_is_given_literal_text(modules):
    """Extraction only sees literal strings; a variable or f-string is never translated."""
    problems = []
    for module in modules:
        for node in ast.walk(module.tree):
            if not _is_gettext(node):
                continue
            wanted = 2 if _callee(node) in ("ngettext", "lazy_ngettext") else 1
            if _callee(node) in ("pgettext", "lazy_pgettext", "npgettext"):
                wanted += 1
            args = node.args[:wanted]
            if len(args) < wanted or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args
            ):
                problems.append(f"{_rel(module.path)}:{node.lineno}: {ast.unparse(node)}")
    assert not problems, "gettext called with something extraction cannot read:\n" + "\n".join(
        problems
    )


def test_text_made_at_import_time_is_lazy(modules):
    """_() at import time is read once, in English; module and class level need _l()."""
    problems = []
    for module in modules:
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Call)
                and _callee(node) in EAGER_GETTEXT
                and module.scope_of(node) is module.tree
            ):
                problems.append(f"{_rel(module.path)}:{node.lineno}: {ast.unparse(node)}")
    assert not problems, "Use _l() for text made at import time:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def extraction() -> Catalog:
    return fresh_extraction()


def test_every_marked_string_reaches_the_catalogue(modules, extraction):
    """A gettext function the extraction does not know (lazy_ngettext needs babel.cfg's
    ``keywords``) leaves its text out of every catalogue."""
    problems = [
        f"{_rel(module.path)}:{node.lineno}: {node.args[0].value!r}"
        for module in modules
        for node in ast.walk(module.tree)
        if _is_gettext(node)
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value not in extraction
    ]
    assert not problems, "Marked but not extracted by `make messages`:\n" + "\n".join(problems)


# A count followed by a word ("%(count)d characters", "vote(s)"): the number decides the form.
COUNTED_WORD = re.compile(r"%\(\w+\)d\s+[A-Za-zÀ-ÿ]|\w\((s|es)\)")


def test_numbers_choose_their_wording_with_ngettext(extraction):
    """'%(count)d characters' or 'vote(s)' reads wrong in other languages: ngettext picks the
    form for the number (Romanian says '19 caractere' but '20 de caractere')."""
    problems = [
        f"{path}:{line}: {message.id!r}"
        for message in extraction
        if message.id and not message.pluralizable and COUNTED_WORD.search(message.id)
        for path, line in message.locations
    ]
    assert not problems, "Use ngettext/lazy_ngettext for text that counts:\n" + "\n".join(problems)


# --- Notifications ----------------------------------------------------------------------


NOTIFY = {"notify": 1, "notify_many": 1}  # callee -> position of the kind
NOTIFY_OPTIONS = {"link", "group"}
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _strings(node: ast.AST | None, module: _Module, depth: int = 0) -> set[str] | None:
    """The string constants ``node`` can be, or None when it cannot be told."""
    if node is None or depth > 3:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        a, b = _strings(node.body, module, depth + 1), _strings(node.orelse, module, depth + 1)
        return None if a is None or b is None else a | b
    if isinstance(node, ast.Name):
        values = [_strings(v, module, depth + 1) for v in module.resolve(node)]
        if values and all(v is not None for v in values):
            return set().union(*values)
    return None


def _params(call: ast.Call, module: _Module) -> set[str] | None:
    """The keyword params a notify call passes, or None when they cannot be told."""
    names = set()
    for kw in call.keywords:
        if kw.arg is not None:
            names.add(kw.arg)
            continue
        mapping = kw.value
        if isinstance(mapping, ast.Name):
            bound = module.resolve(mapping)
            mapping = bound[0] if len(bound) == 1 else None
        if not isinstance(mapping, ast.Dict) or None in mapping.keys:
            return None
        names |= {k.value for k in mapping.keys if isinstance(k, ast.Constant)}
    return names - NOTIFY_OPTIONS - {"kind"}


def _text_tables(modules: list[_Module]) -> list[tuple[str, ast.Dict]]:
    """``MESSAGES`` of notifications/services.py, and every domain's own ``NOTIFICATIONS``
    table (merged into MESSAGES when the domain connects its receivers)."""
    tables = []
    for module in modules:
        wanted = "MESSAGES" if module.path == PACKAGE / "notifications" / "services.py" else None
        for n in module.tree.body:
            if not isinstance(n, ast.Assign | ast.AnnAssign):
                continue
            name = getattr(n.targets[0] if isinstance(n, ast.Assign) else n.target, "id", "")
            if name in (wanted, "NOTIFICATIONS") and isinstance(n.value, ast.Dict):
                tables.append((name, n.value))
    assert any(name == "MESSAGES" for name, _ in tables)
    return tables


def _notification_texts(modules: list[_Module]) -> tuple[dict[str, ast.expr], list[str]]:
    texts, problems = {}, []
    for name, table in _text_tables(modules):
        for key, value in zip(table.keys, table.values, strict=True):
            kind = key.value if isinstance(key, ast.Constant) else ast.unparse(key)
            texts[kind] = value
            lazy = isinstance(value, ast.Call) and _callee(value) in ("_l", "lazy_gettext")
            plural = isinstance(value, ast.Lambda) and _callee(value.body) in ("ngettext",)
            if not (lazy or plural):
                problems.append(f"{name}[{kind!r}] is neither _l(...) nor lambda: ngettext(...)")
    return texts, problems


def test_every_notification_kind_has_a_translatable_text(modules):
    """Notifications are rendered when read, in the reader's language: every kind that is
    sent needs a marked text in MESSAGES, and must send every placeholder of that text."""
    texts, problems = _notification_texts(modules)
    for module in modules:
        if module.path.parent.name == "notifications":
            continue
        rel = _rel(module.path)
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Call) and _callee(node) in NOTIFY):
                continue
            kinds = _strings(_argument(node, NOTIFY[_callee(node)], "kind"), module)
            if kinds is None:
                problems.append(f"{rel}:{node.lineno}: the kind cannot be read; use literals")
                continue
            params = _params(node, module)
            for kind in sorted(kinds):
                if kind not in texts:
                    problems.append(f"{rel}:{node.lineno}: no text in MESSAGES for {kind!r}")
                    continue
                needed = {
                    p
                    for c in ast.walk(texts[kind])
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                    for p in PLACEHOLDER.findall(c.value)
                } - {"num"}
                if params is not None and needed - params:
                    problems.append(
                        f"{rel}:{node.lineno}: {kind!r} is sent without {sorted(needed - params)}"
                    )
    assert not problems, "Notifications that cannot be translated:\n" + "\n".join(problems)


def test_notification_texts_are_made_when_read(app):
    """Stored rows keep kind and params only; the text is made in the reader's request."""
    from flask_babel import force_locale
    from flask_babel.speaklater import LazyString

    from livinglab.notifications.models import Notification
    from livinglab.notifications.services import CHOOSABLE, MESSAGES, text_of

    for kind, text in {**MESSAGES, **CHOOSABLE}.items():
        assert callable(text) or isinstance(text, LazyString), kind
    note = Notification(kind="comment_new", params={"name": "Aino", "title": "T"}, count=3)
    with app.test_request_context(), force_locale("en"):
        assert text_of(note) == "3 new comments on “T”, the latest by Aino."
        note.count = 1
        assert text_of(note) == "Aino commented on “T”."
