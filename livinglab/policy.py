"""Every access rule of the Friendship Agreement, in one place.

Each ``can_*`` function answers "may this user do this to that?" with a :class:`Verdict`:
truthy when allowed; otherwise it carries the HTTP status the faces answer with
(401 not signed in, 403 not allowed, 409 not now: wrong phase or state) and a reason
a person can read. HTML views, the JSON API and socket handlers all ask here, so a rule
can never differ between them.

The functions read plain attributes, so later domains only need to offer them:
a challenge has ``phase``, ``lead_city_id``, ``host_city_ids``, ``proposer_id``;
an idea has ``author_ids``, ``status``, ``review_count`` and its ``challenge``;
a pilot has ``city_id``, ``team_ids`` and ``status``; moderated content has
``author_id`` and ``moderation_city_ids``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import REQUESTABLE_ROLES, Role
from livinglab.challenges.models import PUBLISHED_PHASES, Phase

# The phase a challenge may move to from each phase (publishing is proposed -> open).
PHASE_FLOW: dict[Phase, tuple[Phase, ...]] = {
    Phase.proposed: (Phase.open, Phase.declined),
    Phase.open: (Phase.voting,),
    Phase.voting: (Phase.selection,),
    Phase.selection: (Phase.closed,),
    Phase.closed: (),
    Phase.declined: (),
}

PILOT_FLOW: dict[str, tuple[str, ...]] = {
    "planned": ("running", "halted"),
    "running": ("evaluating", "halted"),
    "evaluating": ("completed", "halted"),
    "completed": (),
    "halted": (),
}
REPLICABLE_PILOT_STATUSES = ("running", "evaluating", "completed")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    status: int = 200
    reason: Any = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Verdict(True)


def _forbidden(reason: Any) -> Verdict:
    return Verdict(False, 403, reason)


def _conflict(reason: Any) -> Verdict:
    return Verdict(False, 409, reason)


NOT_SIGNED_IN = Verdict(False, 401, _l("Please sign in first."))


def is_member(user: Any) -> bool:
    """Signed in with an account that is not suspended."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def _member_check(user: Any) -> Verdict | None:
    return None if is_member(user) else NOT_SIGNED_IN


def _is_admin(user: Any) -> bool:
    return is_member(user) and user.role == Role.admin


def _is_city_rep_of(user: Any, city_ids: Any) -> bool:
    return is_member(user) and user.role == Role.city_rep and user.city_id in set(city_ids)


def _leads(user: Any, challenge: Any) -> bool:
    return _is_admin(user) or _is_city_rep_of(user, {challenge.lead_city_id})


# --- Accounts and roles -------------------------------------------------------------------


def can_request_role(user: Any, role: Role) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if role not in REQUESTABLE_ROLES:
        return _forbidden(_l("This role cannot be requested."))
    if user.role == Role.admin:
        return _conflict(_l("Administrators already hold every right."))
    if user.role == role:
        return _conflict(_l("You already have this role."))
    return ALLOW


def can_decide_role_request(user: Any, request: Any) -> Verdict:
    """Admins decide every request; a city_rep decides expert requests from their own city."""
    if (denied := _member_check(user)) is not None:
        return denied
    if request.user_id == user.id:
        return _forbidden(_l("Nobody decides their own role request."))
    if _is_admin(user):
        return ALLOW
    if request.role == Role.expert and _is_city_rep_of(user, {request.user.city_id}):
        return ALLOW
    return _forbidden(
        _l(
            "Only an administrator or a city representative of the member's city may decide this request."
        )
    )


def can_view_role_requests(user: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if user.role in (Role.admin, Role.city_rep):
        return ALLOW
    return _forbidden(_l("Only administrators and city representatives decide role requests."))


def can_set_role(user: Any, target: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if not _is_admin(user):
        return _forbidden(_l("Only an administrator may change roles."))
    if target.id == user.id:
        return _forbidden(_l("You cannot change your own role."))
    return ALLOW


def can_suspend(user: Any, target: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if not _is_admin(user):
        return _forbidden(_l("Only an administrator may suspend or reactivate accounts."))
    if target.id == user.id:
        return _forbidden(_l("You cannot suspend your own account."))
    return ALLOW


def can_edit_partner(user: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    return ALLOW if _is_admin(user) else _forbidden(_l("Only an administrator may edit partners."))


def can_view_admin_area(user: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if user.role in (Role.admin, Role.city_rep):
        return ALLOW
    return _forbidden(_l("Only administrators and city representatives may open this page."))


def can_view_audit_log(user: Any) -> Verdict:
    """Admins read the whole log; a city representative reads their own city's entries."""
    return can_view_admin_area(user)


def can_view_whole_audit_log(user: Any) -> bool:
    return _is_admin(user)


def can_export_audit_log(user: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if _is_admin(user):
        return ALLOW
    return _forbidden(_l("Only an administrator may export the audit log."))


# --- Challenges ---------------------------------------------------------------------------


def _moderates_or_wrote(user: Any, content: Any) -> bool:
    if not is_member(user):
        return False
    if getattr(content, "author_id", None) == user.id or user.id in set(
        getattr(content, "author_ids", ())
    ):
        return True
    return _is_admin(user) or _is_city_rep_of(user, content.moderation_city_ids)


def can_view_challenge(user: Any, challenge: Any) -> Verdict:
    """Published challenges are public; a proposal is seen by its proposer and its deciders;
    a hidden one by its author and its moderators."""
    hidden = getattr(challenge, "hidden_at", None) is not None
    if challenge.phase in PUBLISHED_PHASES and not hidden:
        return ALLOW
    if hidden and _moderates_or_wrote(user, challenge):
        return ALLOW
    if (
        not hidden
        and is_member(user)
        and (challenge.proposer_id == user.id or _leads(user, challenge))
    ):
        return ALLOW
    return Verdict(False, 404, _l("This challenge does not exist or is not published."))


def can_view_idea(user: Any, idea: Any) -> Verdict:
    """Ideas of published challenges are public, unless moderation hid them."""
    if not (verdict := can_view_challenge(user, idea.challenge)):
        return verdict
    if getattr(idea, "hidden_at", None) is not None and not _moderates_or_wrote(user, idea):
        return Verdict(False, 404, _l("This idea is hidden by moderation."))
    return ALLOW


def can_propose_challenge(user: Any) -> Verdict:
    denied = _member_check(user)
    return ALLOW if denied is None else denied


def can_publish_challenge(user: Any, challenge: Any) -> Verdict:
    return can_change_phase(user, challenge, Phase.open)


def can_decline_challenge(user: Any, challenge: Any) -> Verdict:
    return can_change_phase(user, challenge, Phase.declined)


def can_change_phase(user: Any, challenge: Any, to_phase: Phase) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if not _leads(user, challenge):
        return _forbidden(
            _l("Only a city representative of the lead city may change this challenge's phase.")
        )
    if to_phase not in PHASE_FLOW[challenge.phase]:
        return _conflict(
            _l(
                "A challenge in phase “%(current)s” cannot move to “%(target)s”.",
                current=challenge.phase.value,
                target=str(to_phase),
            )
        )
    return ALLOW


def can_edit_challenge(user: Any, challenge: Any) -> Verdict:
    """The proposer may edit while proposed; the lead city's rep and admins at any time."""
    if (denied := _member_check(user)) is not None:
        return denied
    if _leads(user, challenge):
        return ALLOW
    if challenge.phase == Phase.proposed and challenge.proposer_id == user.id:
        return ALLOW
    return _forbidden(
        _l("Only a city representative of the lead city may edit a published challenge.")
    )


def can_change_vote_rules(user: Any, challenge: Any) -> Verdict:
    """``votes_per_member`` freezes when voting opens."""
    if not (verdict := can_edit_challenge(user, challenge)):
        return verdict
    if challenge.phase not in (Phase.proposed, Phase.open):
        return _conflict(_l("The voting rules are frozen once voting has opened."))
    return ALLOW


# --- Ideas --------------------------------------------------------------------------------


def _is_author(user: Any, idea: Any) -> bool:
    return is_member(user) and user.id in set(idea.author_ids)


def can_submit_idea(user: Any, challenge: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if challenge.phase != Phase.open:
        return _conflict(_l("Ideas can only be submitted while the challenge is open."))
    return ALLOW


def can_edit_idea(user: Any, idea: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if not _is_author(user, idea):
        return _forbidden(_l("Only the authors of an idea may change it."))
    if idea.status == "withdrawn":
        return _conflict(_l("This idea has been withdrawn."))
    if idea.challenge.phase != Phase.open:
        return _conflict(_l("Ideas can only be changed while the challenge is open."))
    return ALLOW


def can_withdraw_idea(user: Any, idea: Any) -> Verdict:
    return can_edit_idea(user, idea)


def can_vote(user: Any, idea: Any) -> Verdict:
    """Budget and duplicates need the stored votes; the vote service checks those."""
    if (denied := _member_check(user)) is not None:
        return denied
    if _is_author(user, idea):
        return _forbidden(_l("You cannot vote for your own idea."))
    if _is_city_rep_of(user, idea.challenge.host_city_ids):
        return _forbidden(
            _l("City representatives of the host cities do not vote on their challenge.")
        )
    if idea.challenge.phase != Phase.voting:
        return _conflict(
            _l(
                "Voting is not open: the challenge is in phase “%(phase)s”.",
                phase=idea.challenge.phase.value,
            )
        )
    if idea.status == "withdrawn":
        return _conflict(_l("This idea has been withdrawn."))
    return ALLOW


def can_withdraw_vote(user: Any, idea: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if idea.challenge.phase != Phase.voting:
        return _conflict(_l("Votes can only be withdrawn while voting is open."))
    return ALLOW


def can_review(user: Any, idea: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if user.role != Role.expert:
        return _forbidden(_l("Only experts review ideas."))
    if _is_author(user, idea):
        return _forbidden(_l("You cannot review an idea you wrote."))
    if idea.challenge.phase not in (Phase.open, Phase.voting, Phase.selection):
        return _conflict(_l("Reviews are closed for this challenge."))
    return ALLOW


def can_decide_idea(user: Any, idea: Any, city_id: int) -> Verdict:
    """Approve or reject an idea for a city: a city_rep of a host city, for their own city."""
    if (denied := _member_check(user)) is not None:
        return denied
    if user.role != Role.city_rep or user.city_id != city_id:
        return _forbidden(_l("Only a city representative may decide, and only for their own city."))
    if city_id not in idea.challenge.host_city_ids:
        return _forbidden(_l("Only the host cities of the challenge decide on its ideas."))
    if idea.challenge.phase != Phase.selection:
        return _conflict(_l("Decisions are taken in the selection phase."))
    if idea.status == "withdrawn":
        return _conflict(_l("This idea has been withdrawn."))
    if idea.review_count < 1:
        return _conflict(_l("An idea needs at least one expert review before a decision."))
    return ALLOW


# --- Discussion and moderation ------------------------------------------------------------


def can_comment(user: Any, target: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if not target.is_published:
        return _conflict(_l("Only published content can be discussed."))
    return ALLOW


def can_change_comment(user: Any, comment: Any) -> Verdict:
    """Editing and deleting a comment: its author, while it is neither deleted nor hidden."""
    if (denied := _member_check(user)) is not None:
        return denied
    if comment.author_id != user.id:
        return _forbidden(_l("Only its author may change a comment."))
    if comment.deleted_at is not None or comment.hidden_at is not None:
        return _conflict(_l("This comment can no longer be changed."))
    return ALLOW


def can_flag(user: Any, content: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if content.author_id == user.id:
        return _forbidden(_l("You cannot flag your own contribution."))
    return ALLOW


def can_moderate(user: Any, content: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if content.author_id == user.id:
        return _forbidden(_l("Nobody moderates their own contribution."))
    if _is_admin(user) or _is_city_rep_of(user, content.moderation_city_ids):
        return ALLOW
    return _forbidden(_l("Only the host cities' representatives and administrators moderate here."))


# --- Pilots -------------------------------------------------------------------------------


def can_manage_pilot(user: Any, pilot: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if _is_admin(user) or _is_city_rep_of(user, {pilot.city_id}) or user.id in set(pilot.team_ids):
        return ALLOW
    return _forbidden(
        _l("Only the pilot team, its city's representatives and administrators manage a pilot.")
    )


def can_change_pilot_status(user: Any, pilot: Any, to_status: str) -> Verdict:
    if not (verdict := can_manage_pilot(user, pilot)):
        return verdict
    if to_status not in PILOT_FLOW[pilot.status]:
        return _conflict(
            _l(
                "A pilot that is “%(current)s” cannot become “%(target)s”.",
                current=pilot.status,
                target=to_status,
            )
        )
    return ALLOW


def can_replicate_pilot(user: Any, pilot: Any) -> Verdict:
    if (denied := _member_check(user)) is not None:
        return denied
    if user.role != Role.city_rep:
        return _forbidden(_l("Only a city representative replicates a pilot in their city."))
    if user.city_id == pilot.city_id:
        return _forbidden(_l("A pilot is replicated in another partner city, not its own."))
    if pilot.status not in REPLICABLE_PILOT_STATUSES:
        return _conflict(_l("A pilot can be replicated once it is running."))
    return ALLOW


# --- Files --------------------------------------------------------------------------------


def can_view_pilot(user: Any, pilot: Any) -> Verdict:
    """Pilots are public: one exists only for an idea a host city approved in public."""
    return ALLOW


_VIEW_CHECKS = {"challenge": can_view_challenge, "idea": can_view_idea, "pilot": can_view_pilot}


def can_view_upload(user: Any, shown_on: Any) -> Verdict:
    """A stored file (and its thumbnail) is as visible as the content that shows it: whoever may
    see at least one of ``shown_on`` (challenges, ideas, pilots) may fetch it. A file shown
    nowhere any more is fetched by nobody. Refusals are 404, like hidden content itself."""
    for content in shown_on:
        if _VIEW_CHECKS[content.__tablename__](user, content):
            return ALLOW
    return Verdict(False, 404, _l("This page does not exist, or it is not public."))
