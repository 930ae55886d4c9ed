"""``can(action, obj)`` for templates: the one way a page asks whether to show a control.

Templates never compare roles, cities or authors themselves; they name an action, and this
maps it to the policy function with the signed-in user. The answer is the :class:`Verdict`,
truthy when allowed, whose ``reason`` a page can show when it is not.

Every ``can_<action>`` the policy package exports is an action under its own name
(``can("view_event", m)`` asks ``policy.can_view_event``), so a new rule needs no entry
here; :data:`ACTIONS` adds the shorter names the templates already use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_login import current_user

import livinglab.policy as policy_package
from livinglab.policy import accounts, participation, reviews
from livinglab.policy.core import Verdict

# The shorter names pages use, beside every exported ``can_<action>``.
ALIASES: dict[str, Callable[..., Verdict]] = {
    "admin_area": accounts.can_view_admin_area,
    "review_queue": reviews.can_view_review_queue,
    "decide": participation.can_decide_idea_for_own_city,
    "be_decider": participation.is_decider,
}


def _exported_rules() -> dict[str, Callable[..., Verdict]]:
    return {
        name.removeprefix("can_"): getattr(policy_package, name)
        for name in policy_package.__all__
        if name.startswith("can_")
    }


# action name -> policy function called as ``fn(user, *args)``
ACTIONS: dict[str, Callable[..., Verdict]] = _exported_rules() | ALIASES


def can(action: str, *args: Any) -> Verdict:
    """The verdict on ``action`` (a key of :data:`ACTIONS`) for the signed-in user.

    An unknown action raises ``KeyError``: a typo must break the page in tests, not quietly
    hide (or show) a control."""
    return ACTIONS[action](current_user._get_current_object(), *args)


def register_template_helper(app: Flask) -> None:
    app.jinja_env.globals["can"] = can
