"""The domains of the platform and what each brings to the app, in one list.

The factory (setup.py) reads this list and nothing else to find pages, API endpoints, socket
handlers, content kinds and event subscribers, so a new capability (say, meetings on a
challenge) is its own package plus one entry here: its blueprint, its API module, its kinds
(``<package>.kinds``, registering with livinglab.content), and its subscribers (a module with
``connect_all()`` connecting receivers to livinglab.events or to the domain's own signals).

Order matters in one place: subscribers are connected in list order, and blinker calls
receivers in connection order. The side-effect domains (audit, notifications, follows) come
last but one, so a domain's own receivers run first, then the audit row, the notifications and
the follows, all in the action's transaction; realtime comes last, announcing after commit.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Domain:
    package: str  # under livinglab/
    # modules holding a Flask blueprint named ``bp``, registered in this order
    pages: tuple[str, ...] = ()
    # modules that add endpoints to the API blueprint (livinglab.api.core) when imported
    api: tuple[str, ...] = ()
    # modules whose ``@socketio.on`` handlers must be declared before the first server starts
    sockets: tuple[str, ...] = ()
    # whether ``<package>.kinds`` declares kinds of content (livinglab.content)
    kinds: bool = False
    # modules with ``connect_all()``, connecting receivers to domain events
    subscribers: tuple[str, ...] = ()
    # modules declaring periodic jobs with ``@livinglab.scheduler.job`` (deadlines, reminders)
    jobs: tuple[str, ...] = ()

    def module(self, name: str) -> str:
        """A module named relative to the package (``"views"``), or in full."""
        return name if name.startswith("livinglab.") else f"livinglab.{self.package}.{name}"


DOMAINS: tuple[Domain, ...] = (
    Domain("web", pages=("site",)),
    Domain("accounts", pages=("views", "members"), api=("livinglab.api.accounts",)),
    # The terms' consent (asked before any member page), their texts, the welcome page.
    Domain("onboarding", pages=("views",)),
    # The signed-in home's read side and the navigation's counts (site.home shows the desk).
    Domain("desk", pages=("views",)),
    Domain("cities", pages=("views",)),
    Domain("challenges", pages=("views",), kinds=True, jobs=("services",)),
    Domain("uploads", pages=("views",)),
    Domain("ideas", pages=("views",), kinds=True),
    Domain("activity", pages=("views",)),
    Domain("search", pages=("views",)),
    Domain("discussion", pages=("views", "writing"), sockets=("events",), kinds=True),
    Domain("moderation", pages=("views",)),
    Domain("votes", pages=("views",)),
    Domain("reviews", pages=("views",), subscribers=("subscriptions",)),
    Domain(
        "pilots",
        pages=("views",),
        api=("livinglab.api.pilots",),
        kinds=True,
        subscribers=("subscriptions",),
    ),
    Domain(
        "meetings",  # "Events" to readers: /events, the kind "event"
        pages=("views", "agenda", "participation"),
        api=("api",),
        kinds=True,
        subscribers=("subscriptions",),
        jobs=("jobs",),
    ),
    Domain(
        "casestudies",
        pages=("views",),
        api=("livinglab.api.casestudies",),
        kinds=True,
        subscribers=("subscriptions",),
    ),
    Domain("stats", pages=("views",), api=("livinglab.api.stats",)),
    Domain("reports", pages=("views",)),
    Domain(
        "api",
        pages=("core", "views"),
        api=("content", "export", "openapi"),
    ),
    Domain("admin", pages=("views",)),
    Domain("privacy", pages=("views",)),
    # Side effects of every action, in the action's transaction.
    Domain("audit", pages=("views",), subscribers=("subscriptions",)),
    Domain("notifications", pages=("views",), subscribers=("subscriptions",)),
    Domain("follows", subscribers=("subscriptions",)),
    # Announcements, after commit.
    Domain("realtime", sockets=("events",), subscribers=("subscriptions",)),
)


def _modules(part: str) -> list[ModuleType]:
    """The modules every domain lists under ``part``, imported, in the order of DOMAINS."""
    return [
        importlib.import_module(domain.module(name))
        for domain in DOMAINS
        for name in getattr(domain, part)
    ]


def page_modules() -> list[ModuleType]:
    return _modules("pages")


def api_modules() -> list[ModuleType]:
    return _modules("api")


def socket_modules() -> list[ModuleType]:
    return _modules("sockets")


def subscriber_modules() -> list[ModuleType]:
    return _modules("subscribers")


def job_modules() -> list[ModuleType]:
    return _modules("jobs")


def kind_modules() -> list[ModuleType]:
    return [importlib.import_module(d.module("kinds")) for d in DOMAINS if d.kinds]
