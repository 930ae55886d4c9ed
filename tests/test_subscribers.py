"""Side effects as subscribers: audit rows, notifications and follows are written by receivers
of before-commit events, in the action's transaction — so a failing receiver leaves nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from livinglab import events
from livinglab.accounts.models import Role
from livinglab.audit.models import AuditEntry
from livinglab.challenges import services as challenges
from livinglab.challenges.models import Challenge, Phase
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.follows.models import Follow
from livinglab.moderation import services as moderation
from livinglab.notifications.models import Notification
from livinglab.votes import services as votes
from tests.factories import make_challenge


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
