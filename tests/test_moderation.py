"""Flags and moderation: three members hide a comment for everyone until a moderator decides."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.audit.models import AuditEntry
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.moderation.models import Flag
from livinglab.notifications.models import Notification
from tests.factories import make_challenge, make_idea


@pytest.fixture
def comment(login_as, db_read, make_user):
    """A comment by a Iași member on an idea of a Pavia challenge co-hosted by Coimbra."""
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(lead="pavia", cohosts=("coimbra",)))
    idea_id = db_read(lambda: make_idea(challenge_id, author.id))
    client, member = login_as(city="iasi")
    client.post(
        "/comments",
        data={"target_type": "idea", "target_id": idea_id, "body": "Buy my stuff at spam.example"},
    )
    cid = db_read(lambda: db.session.scalar(sa.select(Comment.id)))
    return cid, idea_id, client, member


def flag(client, cid, reason="spam", kind="comment"):
    return client.post(f"/flags/{kind}/{cid}", data={"reason": reason})


def row(db_read, cid):
    return db_read(lambda: db.session.get(Comment, cid))


def test_three_flags_hide_it_for_everyone_until_the_pavia_rep_restores_it(
    login_as, db_read, comment, client, socket_client
):
    cid, idea_id, author_client, author = comment
    viewer = socket_client()
    viewer.emit("join", {"room": f"idea:{idea_id}"}, callback=True)
    flaggers = [login_as(city=c)[0] for c in ("turku", "salamanca", "hildesheim")]
    for n, member in enumerate(flaggers):
        assert flag(member, cid).status_code == 302
        assert (row(db_read, cid).hidden_at is not None) == (n == 2)
    hidden = [m["args"][0] for m in viewer.get_received() if m["name"] == "comment.hidden"]
    assert len(hidden) == 1 and hidden[0]["html"] is None
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "spam.example" not in page and "hidden by moderation" in page
    assert "a moderator will decide" in author_client.get("/notifications/").get_data(as_text=True)

    rep, rep_user = login_as(Role.city_rep, "pavia")
    queue = rep.get("/moderation").get_data(as_text=True)
    assert f'data-testid="flagged-comment-{cid}"' in queue and "3 reports" in queue
    assert (
        rep.post(
            f"/moderation/comment/{cid}/restore", data={"reason": "Checked: a real shop."}
        ).status_code
        == 302
    )
    assert row(db_read, cid).hidden_at is None
    assert "spam.example" in client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "is visible again: Checked: a real shop." in author_client.get(
        "/notifications/"
    ).get_data(as_text=True)
    restored = [m["args"][0] for m in viewer.get_received() if m["name"] == "comment.updated"]
    assert restored and "spam.example" in restored[-1]["html"]
    assert f"flagged-comment-{cid}" not in rep.get("/moderation").get_data(as_text=True), (
        "resolved flags leave the queue"
    )
    actions = db_read(
        lambda: db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.subject_id == cid)
        ).all()
    )
    assert actions == ["moderation.auto_hidden", "moderation.restored"]


def test_flagging_twice_or_one_s_own_content(comment, login_as, db_read):
    cid, _, author_client, _ = comment
    member, _ = login_as(city="turku")
    assert flag(member, cid).status_code == 302
    response = flag(member, cid)
    assert response.status_code == 303
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Flag.id)))) == 1
    assert flag(author_client, cid).status_code == 403
    assert flag(member, cid, reason="").status_code == 303
    assert flag(member, 999999).status_code == 404
    assert flag(member, 1, kind="user").status_code == 404


@pytest.mark.parametrize(
    ("role", "city", "status"),
    [
        (Role.city_rep, "pavia", 302),
        (Role.city_rep, "coimbra", 302),  # a co-host moderates too
        (Role.city_rep, "turku", 403),
        (Role.admin, "besancon", 302),
        (Role.expert, "pavia", 403),
        (Role.participant, "pavia", 403),
    ],
)
def test_who_moderates(comment, login_as, db_read, role, city, status):
    cid, *_ = comment
    client, _ = login_as(role, city)
    assert (
        client.post(f"/moderation/comment/{cid}/hide", data={"reason": "Advertising"}).status_code
        == status
    )
    assert (row(db_read, cid).hidden_at is not None) == (status == 302)


def test_nobody_moderates_their_own_content(login_as, db_read, make_user):
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    rep, _ = login_as(Role.city_rep, "pavia")
    rep.post(
        "/comments", data={"target_type": "challenge", "target_id": challenge_id, "body": "mine"}
    )
    cid = db_read(lambda: db.session.scalar(sa.select(Comment.id)))
    assert rep.post(f"/moderation/comment/{cid}/hide", data={"reason": "x"}).status_code == 403


def test_a_decision_needs_a_reason(comment, login_as, db_read):
    cid, *_ = comment
    rep, _ = login_as(Role.city_rep, "pavia")
    assert rep.post(f"/moderation/comment/{cid}/hide", data={"reason": ""}).status_code == 400
    assert row(db_read, cid).hidden_at is None


def test_hiding_an_idea_removes_it_from_public_pages(login_as, db_read, make_user, client):
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    idea_id = db_read(lambda: make_idea(challenge_id, author.id, title="Questionable idea"))
    rep, _ = login_as(Role.city_rep, "pavia")
    assert (
        rep.post(
            f"/moderation/idea/{idea_id}/hide", data={"reason": "Copied from elsewhere"}
        ).status_code
        == 302
    )
    assert client.get(f"/ideas/{idea_id}").status_code == 404
    assert "Questionable idea" not in client.get(f"/challenges/{challenge_id}").get_data(
        as_text=True
    )
    assert rep.get(f"/ideas/{idea_id}").status_code == 200, "moderators still see it"
    assert db_read(lambda: db.session.get(Idea, idea_id).hidden_reason) == "Copied from elsewhere"
    kinds = db_read(
        lambda: db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == author.id)
        ).all()
    )
    assert kinds == ["moderation_hidden"]


def test_moderation_queue_needs_a_moderator(login_as, client):
    member, _ = login_as()
    assert member.get("/moderation").status_code == 403
    assert client.get("/moderation").status_code == 302


def test_challenge_and_idea_pages_offer_a_report_form_to_others_only(login_as, db_read, make_user):
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(lead="pavia", proposer_id=author.id))
    idea_id = db_read(lambda: make_idea(challenge_id, author.id))
    member, _ = login_as(city="iasi")
    assert f'action="/flags/idea/{idea_id}"' in member.get(f"/ideas/{idea_id}").get_data(
        as_text=True
    )
    assert f'action="/flags/challenge/{challenge_id}"' in member.get(
        f"/challenges/{challenge_id}"
    ).get_data(as_text=True)
    own = member.application.test_client()
    own.post("/login", data={"email": author.email, "password": "correct horse battery"})
    assert "/flags/idea/" not in own.get(f"/ideas/{idea_id}").get_data(as_text=True)
    for city in ("pavia", "coimbra", "hildesheim"):
        flagger, _ = login_as(city=city)
        assert flag(flagger, idea_id, kind="idea").status_code == 302
    assert db_read(lambda: db.session.get(Idea, idea_id).hidden_at) is not None
