"""The content registry: every kind of content declares once what it is and what it allows.

The ground floor, like livinglab.events: this module imports nothing from the domains. Each
domain registers its own kinds (``livinglab/<domain>/kinds.py``, imported by the factory for
the domains marked ``kinds=True`` in livinglab.domains), and the parts that work on *any* content (discussion targets,
moderation, follows, the API's comment routes) ask the registry instead of listing kinds or
branching on them. A new kind of content is then one ``register(...)`` call.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

from livinglab.core.links import path_for

Loader = Callable[[Collection[int]], dict[int, Any]]


@dataclass(frozen=True)
class Kind:
    """One kind of content. ``load`` returns the objects by id, loaded with everything the
    other functions (and the policy) read, so nothing is lazy-loaded afterwards."""

    name: str
    # The kind's name in addresses (``/api/v1/<plural>/<id>/comments``): "case-studies".
    plural: str
    model: type
    load: Loader
    title_of: Callable[[Any], str]
    url_of: Callable[[Any], str]
    # Who answers for it (authors, a pilot's team): told of comments, may edit.
    owner_ids: Callable[[Any], set[int]]
    # Whether this user (None: a visitor) may read it and its discussion.
    visible_to: Callable[[Any, Any], bool]
    challenge_id_of: Callable[[Any], int | None]
    # The content this one hangs on, as (kind, id): a comment's target. None for top content.
    parent_of: Callable[[Any], tuple[str, int] | None]
    commentable: bool
    followable: bool
    flaggable: bool
    # The page of one object: (endpoint, the argument naming its id), such as
    # ("meetings.show", "meeting_id"). Links are made from an id alone, nothing loaded (the
    # audit log links its subjects so); None for a kind without a page of its own.
    page: tuple[str, str] | None = None

    def load_one(self, ident: int) -> Any | None:
        return self.load([ident]).get(ident)


_kinds: dict[str, Kind] = {}


def _no_parent(obj: Any) -> None:
    return None


def _page_link(page: tuple[str, str]) -> Callable[[Any], str]:
    endpoint, argument = page
    return lambda obj: path_for(endpoint, **{argument: obj.id})


def register(
    name: str,
    model: type,
    *,
    load: Loader,
    title_of: Callable[[Any], str],
    owner_ids: Callable[[Any], set[int]],
    visible_to: Callable[[Any, Any], bool],
    page: tuple[str, str] | None = None,
    url_of: Callable[[Any], str] | None = None,
    challenge_id_of: Callable[[Any], int | None] | None = None,
    parent_of: Callable[[Any], tuple[str, int] | None] = _no_parent,
    commentable: bool = False,
    followable: bool = False,
    flaggable: bool = False,
    plural: str | None = None,
) -> Kind:
    """Declares a kind; registering the same name again replaces it (an app per test).
    ``plural`` names it in addresses; by default the name plus "s" ("ideas"). ``page`` names
    the route showing one object; ``url_of`` is made from it unless the kind links elsewhere
    (a comment: its place on the page it discusses)."""
    if url_of is None:
        if page is None:
            raise ValueError(f"the kind {name!r} needs a page or a url_of")
        url_of = _page_link(page)
    kind = Kind(
        name=name,
        plural=plural or f"{name}s",
        model=model,
        load=load,
        title_of=title_of,
        url_of=url_of,
        owner_ids=owner_ids,
        visible_to=visible_to,
        challenge_id_of=challenge_id_of or (lambda obj: getattr(obj, "challenge_id", None)),
        parent_of=parent_of,
        commentable=commentable,
        followable=followable,
        flaggable=flaggable,
        page=page,
    )
    _kinds[name] = kind
    return kind


def unregister(name: str) -> None:
    """Forgets a kind (tests that register a throwaway one)."""
    _kinds.pop(name, None)


def get(name: Any) -> Kind | None:
    return _kinds.get(name) if isinstance(name, str) else None


def by_plural(plural: Any) -> Kind | None:
    """The kind an address names (``case-studies`` -> ``case_study``)."""
    return next((k for k in _kinds.values() if k.plural == plural), None)


def kinds() -> list[Kind]:
    return list(_kinds.values())


def commentable_kinds() -> tuple[str, ...]:
    """The kinds that carry a discussion, e.g. for the API's ``/<plural>/<id>/comments``."""
    return tuple(k.name for k in _kinds.values() if k.commentable)


def followable_kinds() -> tuple[str, ...]:
    return tuple(k.name for k in _kinds.values() if k.followable)


def flaggable_kinds() -> tuple[str, ...]:
    return tuple(k.name for k in _kinds.values() if k.flaggable)


class KindSet(Collection[str]):
    """A live view of the kinds with one ability, for ``kind in COMMENTABLE`` checks made by
    modules imported before the kinds are registered."""

    def __init__(self, ability: str) -> None:
        self.ability = ability

    def _names(self) -> tuple[str, ...]:
        return tuple(k.name for k in _kinds.values() if getattr(k, self.ability))

    def __contains__(self, name: object) -> bool:
        kind = _kinds.get(name) if isinstance(name, str) else None
        return kind is not None and getattr(kind, self.ability)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:
        return f"KindSet({self.ability}: {', '.join(self._names())})"


COMMENTABLE = KindSet("commentable")
FOLLOWABLE = KindSet("followable")
FLAGGABLE = KindSet("flaggable")
