"""Links to the site's pages made outside a template: built from the routes, never by hand.

Pages and views use ``url_for``. Domain code (content kinds, notifications, the audit log) runs
in a request, in a socket handler and in a command alike, and some of its links are stored
(a notification keeps its link). ``url_for`` outside a request needs ``SERVER_NAME`` and then
builds an absolute URL, so the same notification would store ``http://host/ideas/3`` from a
command and ``/ideas/3`` from a page. :func:`path_for` builds the path from the same routes
wherever it runs.
"""

from __future__ import annotations

from typing import Any

from flask import current_app


def path_for(endpoint: str, /, *, anchor: str | None = None, **values: Any) -> str:
    """The site path of ``endpoint`` (``/ideas/3``, ``/ideas/3#reviews`` with an ``anchor``).

    The path ``url_for`` gives inside a request, without the script root: a stored link reads
    the same whether a page, a socket handler or a command made it."""
    current_app.inject_url_defaults(endpoint, values)
    path = current_app.url_map.bind("").build(endpoint, values)
    return f"{path}#{anchor}" if anchor else path
