"""The content registry: each kind declares once what it allows, and discussion, moderation
and follows ask the registry (a kind registered here becomes flaggable, commentable...)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from livinglab import content
from livinglab.accounts.models import Role
from livinglab.challenges import kinds as challenge_kinds
from livinglab.challenges.models import Challenge
from livinglab.cities.models import City
from livinglab.discussion import targets
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.follows import services as follows
from livinglab.moderation import services as moderation
from livinglab.moderation.models import Flag
from tests.factories import make_challenge, make_idea


def test_every_kind_allows_what_it_declares(app):
    assert set(content.commentable_kinds()) == {
        "challenge",
        "idea",
        "pilot",
        "event",
        "case_study",
    }
    assert set(content.followable_kinds()) == {"challenge", "idea", "pilot", "event", "case_study"}
    assert set(content.flaggable_kinds()) == {"challenge", "idea", "comment"}
    # The live views the discussion and follows check against say the same.
    assert set(targets.ROOM_TYPES) == set(content.commentable_kinds())
    assert "comment" not in targets.ROOM_TYPES and "pilot" not in content.FLAGGABLE


@pytest.fixture
def proposal_kind(app) -> Iterator[str]:
    """A throwaway kind (challenges seen under another name), flaggable, commentable and
    followable: nothing but this registration makes it so."""
    content.register(
        "proposal",
        Challenge,
        load=challenge_kinds.load,
        title_of=lambda c: f"Proposal {c.title}",
        url_of=lambda c: f"/challenges/{c.id}",
        owner_ids=lambda c: {c.proposer_id} - {None},
        visible_to=lambda user, c: True,
        challenge_id_of=lambda c: c.id,
        commentable=True,
        followable=True,
        flaggable=True,
    )
    yield "proposal"
    content.unregister("proposal")


def test_an_unregistered_kind_is_nothing_anywhere(ctx, make_user):
    cid = make_challenge()
    user = make_user()
    assert moderation.load_content("proposal", cid) is None
    assert targets.resolve("proposal", cid) is None
    with pytest.raises(AssertionError):
        follows.follow(user.id, "proposal", cid)


def test_a_registered_kind_is_flaggable_commentable_and_followable(ctx, make_user, proposal_kind):
    cid = make_challenge(lead="pavia")
    found = moderation.load_content(proposal_kind, cid)
    assert found is not None and found.title.startswith("Proposal ")
    assert found.moderation_city_ids == {db.session.get(Challenge, cid).lead_city_id}

    flagger = make_user(city="turku")
    assert moderation.flag(flagger, found, "spam") is False
    assert db.session.scalar(sa.select(Flag.content_type).where(Flag.content_id == cid)) == (
        "proposal"
    )

    target = targets.resolve(proposal_kind, cid)
    assert target is not None and target.room == f"proposal:{cid}"
    assert targets.parse_room(f"proposal:{cid}") == ("proposal", str(cid))

    follows.follow(flagger.id, proposal_kind, cid)
    assert follows.is_following(flagger.id, proposal_kind, cid)


def test_a_comment_is_moderated_by_the_cities_of_what_it_discusses(ctx, make_user):
    author = make_user(city="turku")
    challenge_id = make_challenge(lead="pavia", cohosts=("coimbra",))
    idea_id = make_idea(challenge_id, author.id, title="Lanterns")
    comment = Comment(
        target_type="idea",
        target_id=idea_id,
        challenge_id=challenge_id,
        author_id=author.id,
        body="hello",
    )
    db.session.add(comment)
    db.session.commit()
    found = moderation.load_content("comment", comment.id)
    hosts = set(db.session.scalars(sa.select(City.id).where(City.slug.in_(("pavia", "coimbra")))))
    assert found is not None
    assert found.title == "Lanterns" and found.author_id == author.id
    assert found.moderation_city_ids == hosts
    assert found.link == f"/ideas/{idea_id}#comment-{comment.id}"
    rep = make_user(Role.city_rep, "coimbra")
    assert [c.id for c, _, _ in moderation.queue_for(rep)] == []  # nothing flagged yet
