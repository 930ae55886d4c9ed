"""``can(action, obj)`` for templates: the one way a page asks whether to show a control.

Templates never compare roles, cities or authors themselves; they name an action, and this
maps it to the policy function with the signed-in user. The answer is the :class:`Verdict`,
truthy when allowed, whose ``reason`` a page can show when it is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_login import current_user

from livinglab.policy import accounts, content, discussion, participation, pilots
from livinglab.policy.core import Verdict

# action name -> policy function called as ``fn(user, *args)``
ACTIONS: dict[str, Callable[..., Verdict]] = {
    # accounts and the administration area
    "admin_area": accounts.can_view_admin_area,
    "oversee_all_cities": accounts.can_oversee_all_cities,
    "see_member_email": accounts.can_see_member_email,
    "edit_partner": accounts.can_edit_partner,
    "view_role_requests": accounts.can_view_role_requests,
    "decide_role_request": accounts.can_decide_role_request,
    "request_role": accounts.can_request_role,
    "set_role": accounts.can_set_role,
    "suspend": accounts.can_suspend,
    "view_audit_log": accounts.can_view_audit_log,
    "export_audit_log": accounts.can_export_audit_log,
    # challenges and ideas
    "view_challenge": content.can_view_challenge,
    "propose_challenge": content.can_propose_challenge,
    "edit_challenge": content.can_edit_challenge,
    "change_phase": content.can_change_phase,
    "publish_challenge": content.can_publish_challenge,
    "decline_challenge": content.can_decline_challenge,
    "change_vote_rules": content.can_change_vote_rules,
    "view_idea": content.can_view_idea,
    "submit_idea": content.can_submit_idea,
    "edit_idea": content.can_edit_idea,
    "withdraw_idea": content.can_withdraw_idea,
    # votes, reviews, decisions
    "vote": participation.can_vote,
    "withdraw_vote": participation.can_withdraw_vote,
    "view_vote_results": participation.can_view_vote_results,
    "review": participation.can_review,
    "review_queue": participation.can_view_review_queue,
    "decide": participation.can_decide_idea_for_own_city,
    "be_decider": participation.is_decider,
    # discussion and moderation
    "comment": discussion.can_comment,
    "change_comment": discussion.can_change_comment,
    "flag": discussion.can_flag,
    "moderate": discussion.can_moderate,
    # pilots
    "view_pilot": pilots.can_view_pilot,
    "manage_pilot": pilots.can_manage_pilot,
    "change_pilot_status": pilots.can_change_pilot_status,
    "replicate_pilot": pilots.can_replicate_pilot,
}


def can(action: str, *args: Any) -> Verdict:
    """The verdict on ``action`` (a key of :data:`ACTIONS`) for the signed-in user.

    An unknown action raises ``KeyError``: a typo must break the page in tests, not quietly
    hide (or show) a control."""
    return ACTIONS[action](current_user._get_current_object(), *args)


def register_template_helper(app: Flask) -> None:
    app.jinja_env.globals["can"] = can
