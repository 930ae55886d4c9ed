"""Side effects as subscribers: audit rows, notifications and follows are written by receivers
of before-commit events, in the action's transaction — so a failing receiver leaves nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from livinglab import events
from livinglab.accounts import services as accounts
from livinglab.accounts.models import Role, User
from livinglab.audit.models import AuditEntry
from livinglab.challenges import services as challenges
from livinglab.challenges.models import Challenge, Phase
from livinglab.cities import services as partners
from livinglab.cities.models import City
from livinglab.discussion import services as discussion
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.follows.models import Follow
from livinglab.ideas import services as ideas
from livinglab.ideas.models import Idea
from livinglab.ideas.queries import load_idea
from livinglab.moderation import services as moderation
from livinglab.notifications.models import Notification
from livinglab.pilots import decisions
from livinglab.pilots import services as pilots
from livinglab.pilots.models import Pilot
from livinglab.pilots.queries import load_pilot
from livinglab.privacy import services as privacy
from livinglab.reviews import services as reviews
from livinglab.reviews.models import CRITERION_NAMES
from livinglab.votes import services as votes
from tests.conftest import PASSWORD
from tests.factories import make_challenge, make_idea


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _proposal(title: str) -> challenges.ChallengeInput:
    return challenges.ChallengeInput(
        title=title,
        summary="A summary.",
        body="A body long enough.",
        themes=["conservation"],
        lead_city="pavia",
    )


def test_proposing_writes_the_audit_row_and_the_follow_in_its_transaction(ctx, make_user):
    user = make_user()
    challenge = challenges.propose(user, _proposal("Bridges"))
    assert (
        _count(
            AuditEntry,
            AuditEntry.action == "challenge.proposed",
            AuditEntry.subject_id == challenge.id,
        )
        == 1
    )
    assert _count(Follow, Follow.user_id == user.id, Follow.target_id == challenge.id) == 1


class Boom(Exception):
    pass


@pytest.fixture
def failing_receiver() -> Iterator[list]:
    """A receiver connected after audit, notifications and follows: they have already written
    when it fails."""
    seen: list = []

    def fail(sender, **kwargs):
        seen.append(sender)
        raise Boom

    for signal in (events.challenge_proposed, events.content_decided):
        signal.connect(fail)
    yield seen
    for signal in (events.challenge_proposed, events.content_decided):
        signal.disconnect(fail)


def test_a_failing_receiver_rolls_back_the_whole_proposal(ctx, make_user, failing_receiver):
    user = make_user()
    with pytest.raises(Boom):
        challenges.propose(user, _proposal("Never saved"))
    assert failing_receiver  # it ran, after the audit and follow receivers
    assert _count(Challenge, Challenge.title == "Never saved") == 0
    assert _count(AuditEntry, AuditEntry.action == "challenge.proposed") == 0
    assert _count(Follow, Follow.user_id == user.id) == 0


def test_a_failing_receiver_rolls_back_a_moderation_decision(ctx, make_user, failing_receiver):
    author = make_user(city="turku")
    challenge_id = make_challenge(lead="pavia")
    comment = Comment(
        target_type="challenge",
        target_id=challenge_id,
        challenge_id=challenge_id,
        author_id=author.id,
        body="spam",
    )
    db.session.add(comment)
    db.session.commit()
    announced: list = []

    def announce(sender, **kwargs):
        announced.append(sender)

    events.content_moderated.connect(announce)
    try:
        found = moderation.load_content("comment", comment.id)
        rep = make_user(Role.city_rep, "pavia")
        with pytest.raises(Boom):
            moderation.decide(rep, found, hide=True, reason="Advertising")
    finally:
        events.content_moderated.disconnect(announce)
    assert announced == []  # nothing announced that did not happen
    assert db.session.get(Comment, comment.id).hidden_at is None
    assert _count(AuditEntry, AuditEntry.action.like("moderation.%")) == 0
    assert _count(Notification, Notification.user_id == author.id) == 0


def test_the_decision_commits_audit_and_notification_with_it(ctx, make_user):
    author = make_user(city="turku")
    challenge_id = make_challenge(lead="pavia")
    comment = Comment(
        target_type="challenge",
        target_id=challenge_id,
        challenge_id=challenge_id,
        author_id=author.id,
        body="spam",
    )
    db.session.add(comment)
    db.session.commit()
    rep = make_user(Role.city_rep, "pavia")
    moderation.decide(rep, moderation.load_content("comment", comment.id), hide=True, reason="Ad")
    db.session.rollback()  # whatever the service left uncommitted goes now
    assert db.session.get(Comment, comment.id).hidden_at is not None
    assert _count(AuditEntry, AuditEntry.action == "moderation.hidden") == 1
    assert _count(Notification, Notification.user_id == author.id) == 1


def test_deferred_work_runs_after_commit_and_never_after_a_rollback(ctx):
    ran: list[str] = []
    events.on_commit(lambda: ran.append("rolled back"))
    db.session.rollback()
    events.on_commit(lambda: ran.append("committed"))
    assert ran == []
    events.commit()
    assert ran == ["committed"]


def test_a_phase_change_tells_the_proposer_in_the_same_transaction(ctx, make_user):
    proposer = make_user()
    challenge = challenges.propose(proposer, _proposal("Walls"))
    rep = make_user(Role.city_rep, "pavia")
    challenges.change_phase(rep, challenge, Phase.open)
    db.session.rollback()
    assert _count(Notification, Notification.user_id == proposer.id) == 1
    assert _count(AuditEntry, AuditEntry.action == "challenge.published") == 1


def test_a_vote_refuses_to_commit_the_callers_pending_writes(ctx, make_user):
    user = make_user()
    db.session.add(AuditEntry(action="test.pending", subject_type="x", details={}))
    db.session.flush()
    with pytest.raises(RuntimeError):
        votes.withdraw(user, 1)
    db.session.rollback()
    assert _count(AuditEntry, AuditEntry.action == "test.pending") == 0


# ---- The other domains: each action's side effects commit with it, or not at all. ----------


@contextmanager
def _failing(signal) -> Iterator[list]:
    """Connects, after the audit, notification and follow receivers, one that fails."""
    seen: list = []

    def fail(sender, **kwargs):
        seen.append(sender)
        raise Boom

    signal.connect(fail)
    try:
        yield seen
    finally:
        signal.disconnect(fail)


def _review_data() -> dict:
    scores = dict.fromkeys(CRITERION_NAMES, 4)
    return {**scores, "assessment": "Sound and feasible.", "no_conflict": True}


def _idea(idea_id: int, user: User) -> Idea:
    return load_idea(idea_id, user)  # with its challenge and team, as the pages load it


def _selected_idea(author: User, expert: User) -> Idea:
    """An idea in a challenge in selection, reviewed once (so a host city may decide on it)."""
    idea_id = make_idea(make_challenge(phase=Phase.selection), author.id)
    reviews.save(expert, _idea(idea_id, expert), _review_data())
    return _idea(idea_id, author)


def test_a_role_change_audits_and_tells_the_member_or_leaves_nothing(ctx, make_user):
    admin = make_user(Role.admin)
    target = db.session.get(User, make_user().id)
    with _failing(events.role_changing) as seen, pytest.raises(Boom):
        accounts.set_role(admin, target, "expert", reason="Knows stone")
    assert seen
    assert db.session.get(User, target.id).role == Role.participant
    assert _count(AuditEntry, AuditEntry.action == "role.changed") == 0
    assert _count(Notification, Notification.user_id == target.id) == 0
    accounts.set_role(admin, db.session.get(User, target.id), "expert", reason="Knows stone")
    db.session.rollback()
    assert db.session.get(User, target.id).role == Role.expert
    assert _count(AuditEntry, AuditEntry.action == "role.changed") == 1
    assert _count(Notification, Notification.user_id == target.id) == 1


def test_a_reply_tells_the_parent_author_or_is_not_posted(ctx, make_user):
    challenge_id = make_challenge()
    first, second = make_user(), make_user()
    parent = discussion.post(first, "challenge", challenge_id, "Who restores the walls?")
    with _failing(events.comment_posting), pytest.raises(Boom):
        discussion.post(second, "challenge", challenge_id, "Never posted", parent.id)
    assert _count(Comment, Comment.body == "Never posted") == 0
    assert _count(Notification, Notification.user_id == first.id) == 0
    discussion.post(second, "challenge", challenge_id, "The masons' guild.", parent.id)
    db.session.rollback()
    assert _count(Notification, Notification.user_id == first.id) == 1


# Members first: make_user commits in its own session, which a later rollback of this test's
# session would otherwise undo with it.


def test_submitting_an_idea_makes_its_author_follow_it_or_submits_nothing(ctx, make_user):
    author = make_user()
    challenge = db.session.get(Challenge, make_challenge())
    data = ideas.IdeaInput(title="Moss", summary="Clean it.", body="Gently, with brushes.")
    with _failing(events.idea_submitting), pytest.raises(Boom):
        ideas.submit(author, challenge, data)
    assert _count(Idea, Idea.author_id == author.id) == 0
    assert _count(Follow, Follow.user_id == author.id) == 0
    idea = ideas.submit(author, db.session.get(Challenge, challenge.id), data)
    ideas.withdraw(author, _idea(idea.id, author))
    db.session.rollback()
    assert _count(Follow, Follow.user_id == author.id, Follow.target_id == idea.id) == 1
    assert _count(AuditEntry, AuditEntry.action == "idea.withdrawn") == 1


def test_a_review_tells_the_authors(ctx, make_user):
    author, expert = make_user(city="turku"), make_user(Role.expert, "turku")
    _selected_idea(author, expert)
    db.session.rollback()
    assert _count(Notification, Notification.user_id == author.id) == 1


def test_an_approval_audits_tells_and_follows_or_creates_no_pilot(ctx, make_user):
    author, expert = make_user(city="turku"), make_user(Role.expert, "turku")
    rep = make_user(Role.city_rep, "pavia")
    idea = _selected_idea(author, expert)
    with _failing(events.idea_decided), pytest.raises(Boom):
        decisions.decide(rep, idea, "pavia", "approve")
    assert _count(Pilot) == 0
    assert _count(AuditEntry, AuditEntry.action.like("decision.%")) == 0
    assert _count(Follow, Follow.user_id == author.id, Follow.target_type == "pilot") == 0
    _decision, pilot = decisions.decide(rep, _idea(idea.id, author), "pavia", "approve")
    assert pilot is not None
    pilots.change_status(rep, load_pilot(pilot.id), "running")
    db.session.rollback()
    assert _count(AuditEntry, AuditEntry.action == "decision.approved") == 1
    assert _count(AuditEntry, AuditEntry.action == "pilot.status") == 1
    assert _count(Follow, Follow.user_id == author.id, Follow.target_id == pilot.id) == 1
    # The review, the approval, then the update of the pilot the author now follows.
    assert _count(Notification, Notification.user_id == author.id) == 3


def test_a_partner_edit_is_audited_or_not_saved(ctx, make_user, cities):
    admin = make_user(Role.admin)
    city = db.session.get(City, cities["turku"].id)
    values = {"name": "Åbo", "municipality": "Turku", "country": "Finland", "language": "fi"}
    with _failing(events.partner_updated), pytest.raises(Boom):
        partners.update_partner(admin, city, values)
    assert db.session.get(City, city.id).name != "Åbo"
    assert _count(AuditEntry, AuditEntry.action == "partner.updated") == 0
    partners.update_partner(admin, db.session.get(City, city.id), values)
    db.session.rollback()
    assert _count(AuditEntry, AuditEntry.action == "partner.updated") == 1


def test_deleting_an_account_is_audited_or_keeps_the_account(ctx, make_user):
    user = db.session.get(User, make_user().id)
    with _failing(events.member_deleted), pytest.raises(Boom):
        privacy.delete_account(user, PASSWORD)
    assert db.session.get(User, user.id).deleted_at is None
    privacy.delete_account(db.session.get(User, user.id), PASSWORD)
    db.session.rollback()
    assert _count(AuditEntry, AuditEntry.action == "member.deleted") == 1
