"""Threaded comments over HTTP: post, reply, edit, delete, limits, notifications."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.challenges.models import Phase
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.notifications.models import Notification
from tests.factories import make_challenge, make_idea


@pytest.fixture
def idea_id(db_read, make_user):
    author = make_user(city="turku", name="Aino Virtanen")
    challenge_id = db_read(lambda: make_challenge(lead="pavia", cohosts=("coimbra",)))
    return db_read(lambda: make_idea(challenge_id, author.id)), author


def post(client, target_id, body="A thought.", target_type="idea", parent_id=""):
    return client.post(
        "/comments",
        data={
            "target_type": target_type,
            "target_id": target_id,
            "body": body,
            "parent_id": parent_id,
        },
    )


def comments(db_read):
    return db_read(lambda: db.session.scalars(sa.select(Comment).order_by(Comment.id)).all())


def notes(db_read, user_id):
    return db_read(
        lambda: db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user_id)
        ).all()
    )


def test_post_and_reply_over_plain_forms(login_as, client, db_read, idea_id):
    iid, author = idea_id
    member, me = login_as(city="iasi")
    response = post(member, iid, "Could the **nets** glow blue?")
    assert response.status_code == 302 and response.headers["Location"].startswith(
        f"/ideas/{iid}#comment-"
    )
    first = comments(db_read)[0]
    assert (first.author_id, first.depth, first.challenge_id) == (
        me.id,
        0,
        db_read(lambda: make_challenge.__defaults__ and first.challenge_id),
    )
    page = client.get(f"/ideas/{iid}").get_data(as_text=True)
    assert "<strong>nets</strong>" in page and f'id="comment-{first.id}"' in page

    other, _ = login_as(Role.expert, "hildesheim")
    assert post(other, iid, "Blue is feasible.", parent_id=first.id).status_code == 302
    reply = comments(db_read)[1]
    assert (reply.parent_id, reply.depth) == (first.id, 1)
    page = client.get(f"/ideas/{iid}").get_data(as_text=True)
    assert "Show 1 reply" in page
    branch = client.get(f"/comments/{first.id}").get_data(as_text=True)
    assert "Blue is feasible." in branch and "Expert" in branch
    fragment = client.get(f"/comments/{first.id}/replies").get_data(as_text=True)
    assert "Blue is feasible." in fragment and "<html" not in fragment


def test_replies_nest_three_levels_then_stay_at_the_last(login_as, db_read, idea_id):
    iid, _ = idea_id
    member, _ = login_as()
    post(member, iid, "level 0")
    ids = [comments(db_read)[-1].id]
    for n in (1, 2, 3):
        post(member, iid, f"level {n}", parent_id=ids[-1])
        ids.append(comments(db_read)[-1].id)
    depths = [c.depth for c in comments(db_read)]
    assert depths == [0, 1, 2, 2]
    assert comments(db_read)[-1].parent_id == ids[1], "the fourth level joins the third"


@pytest.mark.parametrize(
    ("body", "parent", "status", "message"),
    [
        ("", "", 400, "Write a comment."),
        ("   ", "", 400, "Write a comment."),
        ("x" * 5001, "", 400, "Field cannot be longer than 5000 characters."),
        ("ok", "999999", 400, "You can only reply to a comment of this discussion."),
        ("ok", "abc", 400, "This reply has no valid parent."),
    ],
)
def test_bad_comments_keep_the_text_and_write_nothing(
    login_as, db_read, idea_id, body, parent, status, message
):
    iid, _ = idea_id
    member, _ = login_as()
    response = post(member, iid, body, parent_id=parent)
    page = response.get_data(as_text=True)
    assert response.status_code == status and message in page
    if body.strip() and len(body) < 100:
        assert f"{body}</textarea>" in page, "what the member wrote is kept"
    assert comments(db_read) == []


def test_a_reply_to_another_thread_is_refused(login_as, db_read, idea_id, make_user):
    iid, author = idea_id
    member, _ = login_as()
    other_idea = db_read(lambda: make_idea(db_read(lambda: make_challenge()), author.id))
    post(member, other_idea, "elsewhere")
    foreign = comments(db_read)[0].id
    response = post(member, iid, "cross-thread", parent_id=foreign)
    assert response.status_code == 400
    assert len(comments(db_read)) == 1


def test_anonymous_and_unpublished(client, login_as, db_read):
    hidden = db_read(lambda: make_challenge(phase=Phase.proposed))
    assert post(client, hidden, target_type="challenge").status_code == 302  # to sign in
    member, _ = login_as(city="turku")
    assert post(member, hidden, target_type="challenge").status_code == 404
    assert post(member, 424242, target_type="idea").status_code == 404
    assert post(member, 1, target_type="user").status_code == 404
    assert comments(db_read) == []


def test_edit_and_delete_own_comments_only(login_as, db_read, idea_id, client):
    iid, _ = idea_id
    member, _ = login_as()
    post(member, iid, "first version")
    cid = comments(db_read)[0].id
    other, _ = login_as(city="turku")
    assert other.post(f"/comments/{cid}/edit", data={"body": "hijack"}).status_code == 403
    assert other.post(f"/comments/{cid}/delete").status_code == 403
    assert member.post(f"/comments/{cid}/edit", data={"body": "second version"}).status_code == 302
    page = client.get(f"/ideas/{iid}").get_data(as_text=True)
    assert "second version" in page and "edited" in page
    post(other, iid, "a reply", parent_id=cid)
    assert member.post(f"/comments/{cid}/delete").status_code == 302
    row = comments(db_read)[0]
    assert row.body == "" and row.deleted_at is not None
    page = client.get(f"/comments/{cid}").get_data(as_text=True)
    assert "deleted by its author" in page and "a reply" in page, "the thread keeps its shape"
    assert member.post(f"/comments/{cid}/edit", data={"body": "resurrect"}).status_code == 409


def test_posting_is_rate_limited_per_member(login_as, db_read, idea_id, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_COMMENTS", "3 per minute")
    iid, _ = idea_id
    member, _ = login_as()
    for n in range(3):
        assert post(member, iid, f"c{n}").status_code == 302
    response = post(member, iid, "one too many")
    assert response.status_code == 429 and "You are posting too fast" in response.get_data(
        as_text=True
    )
    assert len(comments(db_read)) == 3
    other, _ = login_as(city="turku")
    assert post(other, iid, "someone else may").status_code == 302


def test_replies_mentions_and_followers_are_notified_and_grouped(
    login_as, db_read, idea_id, make_user
):
    iid, author = idea_id
    first, first_user = login_as(city="iasi", name="Ioana Popescu")
    post(first, iid, "Question for the team")
    parent = comments(db_read)[0].id
    follower, follower_user = login_as(city="besancon")
    follower.post(f"/ideas/{iid}/follow")
    replier, _ = login_as(Role.expert, "coimbra", name="João Almeida")
    post(replier, iid, "Answer one", parent_id=parent)
    post(replier, iid, "Answer two, @IoanaPopescu and @ainovirtanen", parent_id=parent)
    kinds = sorted((n.kind, n.count) for n in notes(db_read, first_user.id))
    assert kinds == [("comment_reply", 2)], (
        "two replies, one grouped entry; no second note for the mention"
    )
    page = first.get("/notifications/").get_data(as_text=True)
    assert "2 new replies to your comment" in page and "the latest by João Almeida" in page
    follower_notes = notes(db_read, follower_user.id)
    assert [(n.kind, n.count) for n in follower_notes] == [("comment_new", 2)], (
        "both answers, grouped"
    )
    author_notes = sorted((n.kind, n.count) for n in notes(db_read, author.id))
    assert author_notes == [("comment_mention", 1), ("comment_new", 2)]


def test_members_choose_what_they_are_told(login_as, db_read, idea_id):
    iid, _ = idea_id
    follower, me = login_as(city="besancon")
    follower.post(f"/ideas/{iid}/follow")
    kinds = ["comment_reply", "comment_mention", "challenge_phase"]  # comment_new left out
    assert follower.post("/notifications/preferences", data={"kinds": kinds}).status_code == 302
    other, _ = login_as()
    post(other, iid, "news")
    assert notes(db_read, me.id) == []
    page = follower.get("/notifications/preferences").get_data(as_text=True)
    assert 'value="comment_new" >' in page or 'value="comment_new">' in page


def test_a_thread_of_many_comments_opens_with_the_same_queries(
    login_as, db_read, idea_id, client, count_queries, app
):
    iid, _ = idea_id
    member, _ = login_as()
    app.config["RATELIMIT_COMMENTS"] = "1000 per minute"
    try:
        post(member, iid, "only one")
        with count_queries() as small:
            client.get(f"/ideas/{iid}")
        for n in range(45):
            post(member, iid, f"comment {n}", parent_id=comments(db_read)[0].id if n % 2 else "")
        with count_queries() as large:
            page = client.get(f"/ideas/{iid}").get_data(as_text=True)
    finally:
        app.config["RATELIMIT_COMMENTS"] = "10 per minute"
    assert large.n == small.n
    assert page.count('class="comment depth-0') == 20, "one page of top-level comments"
    assert "Show earlier comments" in page
