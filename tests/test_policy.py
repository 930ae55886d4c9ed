"""The Friendship Agreement's rules, each over every role × own city / other city / anonymous.

Expected outcomes are HTTP statuses: 200 allowed, 401 sign in, 403 not allowed, 404 hidden,
409 not in this phase or state.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from livinglab import policy
from livinglab.accounts.models import Role, User
from livinglab.challenges.models import Phase
from livinglab.database import utcnow

PAVIA, COIMBRA, TURKU = 1, 3, 8


def _user(uid: int, role: Role, city: int, suspended: bool = False) -> User:
    user = User(
        id=uid,
        role=role,
        city_id=city,
        email=f"{uid}@x.org",
        display_name=str(uid),
        session_version=1,
    )
    user.suspended_at = utcnow() if suspended else None
    return user


ACTORS = {
    "anonymous": AnonymousUserMixin(),
    "suspended": _user(99, Role.participant, PAVIA, suspended=True),
    "author": _user(1, Role.participant, PAVIA),
    "participant": _user(2, Role.participant, TURKU),
    "expert": _user(3, Role.expert, TURKU),
    "expert_author": _user(4, Role.expert, PAVIA),
    "rep_lead": _user(5, Role.city_rep, PAVIA),
    "rep_cohost": _user(6, Role.city_rep, COIMBRA),
    "rep_other": _user(7, Role.city_rep, TURKU),
    "admin": _user(8, Role.admin, PAVIA),
}
ORDER = list(ACTORS)


def challenge(phase: Phase = Phase.open, proposer_id: int = 1):
    return SimpleNamespace(
        phase=phase,
        lead_city_id=PAVIA,
        host_city_ids={PAVIA, COIMBRA},
        proposer_id=proposer_id,
        is_published=phase in policy.PUBLISHED_PHASES,
    )


def idea(phase: Phase = Phase.open, status: str = "submitted", reviews: int = 1):
    return SimpleNamespace(
        challenge=challenge(phase),
        author_ids={1, 4},
        status=status,
        review_count=reviews,
        author_id=1,
        moderation_city_ids={PAVIA, COIMBRA},
        is_published=True,
    )


def pilot(status: str = "running", city: int = PAVIA):
    return SimpleNamespace(city_id=city, team_ids={1, 4}, status=status)


def expect(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(ORDER)
    return dict(zip(ORDER, statuses, strict=True))


#                       anon susp auth part expt e_au rlead rco roth admin
CASES = {
    "propose challenge": (
        lambda: policy.can_propose_challenge,
        (),
        expect(401, 401, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    "publish proposal": (
        lambda: policy.can_publish_challenge,
        (challenge(Phase.proposed),),
        expect(401, 401, 403, 403, 403, 403, 200, 403, 403, 200),
    ),
    "publish twice": (
        lambda: policy.can_publish_challenge,
        (challenge(Phase.open),),
        expect(401, 401, 403, 403, 403, 403, 409, 403, 403, 409),
    ),
    "decline proposal": (
        lambda: policy.can_decline_challenge,
        (challenge(Phase.proposed),),
        expect(401, 401, 403, 403, 403, 403, 200, 403, 403, 200),
    ),
    "open -> voting": (
        lambda: policy.can_change_phase,
        (challenge(Phase.open), Phase.voting),
        expect(401, 401, 403, 403, 403, 403, 200, 403, 403, 200),
    ),
    "open -> closed skips": (
        lambda: policy.can_change_phase,
        (challenge(Phase.open), Phase.closed),
        expect(401, 401, 403, 403, 403, 403, 409, 403, 403, 409),
    ),
    "edit proposal": (
        lambda: policy.can_edit_challenge,
        (challenge(Phase.proposed),),
        expect(401, 401, 200, 403, 403, 403, 200, 403, 403, 200),
    ),
    "edit published": (
        lambda: policy.can_edit_challenge,
        (challenge(Phase.open),),
        expect(401, 401, 403, 403, 403, 403, 200, 403, 403, 200),
    ),
    "vote rules while open": (
        lambda: policy.can_change_vote_rules,
        (challenge(Phase.open),),
        expect(401, 401, 403, 403, 403, 403, 200, 403, 403, 200),
    ),
    "vote rules frozen": (
        lambda: policy.can_change_vote_rules,
        (challenge(Phase.voting),),
        expect(401, 401, 403, 403, 403, 403, 409, 403, 403, 409),
    ),
    "view proposal": (
        lambda: policy.can_view_challenge,
        (challenge(Phase.proposed),),
        expect(404, 404, 200, 404, 404, 404, 200, 404, 404, 200),
    ),
    "view published": (
        lambda: policy.can_view_challenge,
        (challenge(Phase.voting),),
        expect(200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    "submit idea (open)": (
        lambda: policy.can_submit_idea,
        (challenge(Phase.open),),
        expect(401, 401, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    "submit idea (voting)": (
        lambda: policy.can_submit_idea,
        (challenge(Phase.voting),),
        expect(401, 401, 409, 409, 409, 409, 409, 409, 409, 409),
    ),
    "edit idea (open)": (
        lambda: policy.can_edit_idea,
        (idea(Phase.open),),
        expect(401, 401, 200, 403, 403, 200, 403, 403, 403, 403),
    ),
    "edit idea (voting)": (
        lambda: policy.can_edit_idea,
        (idea(Phase.voting),),
        expect(401, 401, 409, 403, 403, 409, 403, 403, 403, 403),
    ),
    "withdraw withdrawn": (
        lambda: policy.can_withdraw_idea,
        (idea(Phase.open, "withdrawn"),),
        expect(401, 401, 409, 403, 403, 409, 403, 403, 403, 403),
    ),
    "vote (voting)": (
        lambda: policy.can_vote,
        (idea(Phase.voting),),
        expect(401, 401, 403, 200, 200, 403, 403, 403, 200, 200),
    ),
    "vote (open)": (
        lambda: policy.can_vote,
        (idea(Phase.open),),
        expect(401, 401, 403, 409, 409, 403, 403, 403, 409, 409),
    ),
    "vote withdrawn idea": (
        lambda: policy.can_vote,
        (idea(Phase.voting, "withdrawn"),),
        expect(401, 401, 403, 409, 409, 403, 403, 403, 409, 409),
    ),
    "unvote (voting)": (
        lambda: policy.can_withdraw_vote,
        (idea(Phase.voting),),
        expect(401, 401, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    "unvote (selection)": (
        lambda: policy.can_withdraw_vote,
        (idea(Phase.selection),),
        expect(401, 401, 409, 409, 409, 409, 409, 409, 409, 409),
    ),
    "review (voting)": (
        lambda: policy.can_review,
        (idea(Phase.voting),),
        expect(401, 401, 403, 403, 200, 403, 403, 403, 403, 403),
    ),
    "review (closed)": (
        lambda: policy.can_review,
        (idea(Phase.closed),),
        expect(401, 401, 403, 403, 409, 403, 403, 403, 403, 403),
    ),
    "approve for Pavia": (
        lambda: policy.can_decide_idea,
        (idea(Phase.selection), PAVIA),
        expect(401, 401, 403, 403, 403, 403, 200, 403, 403, 403),
    ),
    "approve for Coimbra": (
        lambda: policy.can_decide_idea,
        (idea(Phase.selection), COIMBRA),
        expect(401, 401, 403, 403, 403, 403, 403, 200, 403, 403),
    ),
    "approve for Turku (not host)": (
        lambda: policy.can_decide_idea,
        (idea(Phase.selection), TURKU),
        expect(401, 401, 403, 403, 403, 403, 403, 403, 403, 403),
    ),
    "approve outside selection": (
        lambda: policy.can_decide_idea,
        (idea(Phase.voting), PAVIA),
        expect(401, 401, 403, 403, 403, 403, 409, 403, 403, 403),
    ),
    "approve without review": (
        lambda: policy.can_decide_idea,
        (idea(Phase.selection, reviews=0), PAVIA),
        expect(401, 401, 403, 403, 403, 403, 409, 403, 403, 403),
    ),
    "comment published": (
        lambda: policy.can_comment,
        (challenge(Phase.open),),
        expect(401, 401, 200, 200, 200, 200, 200, 200, 200, 200),
    ),
    "comment proposal": (
        lambda: policy.can_comment,
        (challenge(Phase.proposed),),
        expect(401, 401, 409, 409, 409, 409, 409, 409, 409, 409),
    ),
    "flag": (
        lambda: policy.can_flag,
        (idea(),),
        expect(401, 401, 403, 200, 200, 200, 200, 200, 200, 200),
    ),
    "moderate": (
        lambda: policy.can_moderate,
        (idea(),),
        expect(401, 401, 403, 403, 403, 403, 200, 200, 403, 200),
    ),
    "manage pilot": (
        lambda: policy.can_manage_pilot,
        (pilot(),),
        expect(401, 401, 200, 403, 403, 200, 200, 403, 403, 200),
    ),
    "pilot planned -> running": (
        lambda: policy.can_change_pilot_status,
        (pilot("planned"), "running"),
        expect(401, 401, 200, 403, 403, 200, 200, 403, 403, 200),
    ),
    "pilot planned -> completed": (
        lambda: policy.can_change_pilot_status,
        (pilot("planned"), "completed"),
        expect(401, 401, 409, 403, 403, 409, 409, 403, 403, 409),
    ),
    "replicate running": (
        lambda: policy.can_replicate_pilot,
        (pilot("running"),),
        expect(401, 401, 403, 403, 403, 403, 403, 200, 200, 403),
    ),
    "replicate planned": (
        lambda: policy.can_replicate_pilot,
        (pilot("planned"),),
        expect(401, 401, 403, 403, 403, 403, 403, 409, 409, 403),
    ),
    "edit partners": (
        lambda: policy.can_edit_partner,
        (),
        expect(401, 401, 403, 403, 403, 403, 403, 403, 403, 200),
    ),
    "admin area": (
        lambda: policy.can_view_admin_area,
        (),
        expect(401, 401, 403, 403, 403, 403, 200, 200, 200, 200),
    ),
    "role request queue": (
        lambda: policy.can_view_role_requests,
        (),
        expect(401, 401, 403, 403, 403, 403, 200, 200, 200, 200),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("actor", ORDER)
def test_rule(name: str, actor: str, ctx):
    rule, args, expected = CASES[name]
    verdict = rule()(ACTORS[actor], *args)
    status = 200 if verdict else verdict.status
    assert status == expected[actor], f"{name} as {actor}: {verdict.reason}"
    if not verdict:
        assert str(verdict.reason), "a refusal always says why"


def _member_of(city: int, uid: int = 50) -> User:
    return _user(uid, Role.participant, city)


def role_request(role: Role, city: int, user_id: int = 50):
    return SimpleNamespace(user_id=user_id, role=role, user=_member_of(city, user_id))


@pytest.mark.parametrize(
    ("actor", "role", "city", "expected"),
    [
        ("anonymous", Role.expert, PAVIA, 401),
        ("participant", Role.expert, TURKU, 403),
        ("expert", Role.expert, TURKU, 403),
        ("rep_lead", Role.expert, PAVIA, 200),  # a Pavia rep, a Pavia member
        ("rep_lead", Role.expert, TURKU, 403),  # a Pavia rep, a Turku member
        ("rep_other", Role.expert, TURKU, 200),
        ("rep_lead", Role.city_rep, PAVIA, 403),  # city_rep is granted by admins only
        ("admin", Role.city_rep, TURKU, 200),
        ("admin", Role.expert, COIMBRA, 200),
        ("suspended", Role.expert, PAVIA, 401),
    ],
)
def test_deciding_role_requests(actor, role, city, expected, ctx):
    verdict = policy.can_decide_role_request(ACTORS[actor], role_request(role, city))
    assert (200 if verdict else verdict.status) == expected


def test_nobody_decides_their_own_request(ctx):
    admin = ACTORS["admin"]
    assert (
        policy.can_decide_role_request(
            admin, role_request(Role.city_rep, PAVIA, user_id=admin.id)
        ).status
        == 403
    )


@pytest.mark.parametrize(
    ("actor", "role", "expected"),
    [
        ("anonymous", Role.expert, 401),
        ("author", Role.expert, 200),
        ("author", Role.city_rep, 200),
        ("author", Role.admin, 403),
        ("author", Role.participant, 403),
        ("expert", Role.expert, 409),
        ("expert", Role.city_rep, 200),
        ("rep_lead", Role.city_rep, 409),
        ("admin", Role.expert, 409),
    ],
)
def test_requesting_a_role(actor, role, expected, ctx):
    verdict = policy.can_request_role(ACTORS[actor], role)
    assert (200 if verdict else verdict.status) == expected


@pytest.mark.parametrize("check", [policy.can_set_role, policy.can_suspend])
@pytest.mark.parametrize(
    ("actor", "target", "expected"),
    [
        ("anonymous", "author", 401),
        ("participant", "author", 403),
        ("rep_lead", "author", 403),
        ("admin", "author", 200),
        ("admin", "rep_other", 200),
        ("admin", "admin", 403),
    ],
)
def test_role_changes_and_suspension_are_for_admins(check, actor, target, expected, ctx):
    verdict = check(ACTORS[actor], ACTORS[target])
    assert (200 if verdict else verdict.status) == expected
