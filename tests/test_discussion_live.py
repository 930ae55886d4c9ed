"""The live side: rooms, replay with ``since``, posting over the socket, and every bad event."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.challenges.models import Phase
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from tests.factories import make_challenge, make_idea


@pytest.fixture
def room(db_read, make_user):
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    return f"idea:{db_read(lambda: make_idea(challenge_id, author.id))}"


def events(socket, name):
    return [m["args"][0] for m in socket.get_received() if m["name"] == name]


def count(db_read):
    return db_read(lambda: db.session.scalar(sa.select(sa.func.count(Comment.id))))


def test_a_comment_posted_over_http_reaches_every_viewer_of_the_room(login_as, socket_client, room):
    member, _ = login_as()
    anonymous = socket_client()
    watcher_client, _ = login_as(city="coimbra")
    watcher = socket_client(watcher_client)
    elsewhere = socket_client()
    for s in (anonymous, watcher):
        assert s.emit("join", {"room": room}, callback=True)["ok"] is True
    kind, ident = room.split(":")
    member.post("/comments", data={"target_type": kind, "target_id": ident, "body": "Live **now**"})
    for s in (anonymous, watcher):
        [created] = events(s, "comment.created")
        assert created["html"] == "<p>Live <strong>now</strong></p>\n" and created["room"] == room
    assert events(elsewhere, "comment.created") == []


def test_posting_over_the_socket_is_acknowledged_with_the_saved_comment(
    login_as, socket_client, room, db_read
):
    member, me = login_as(city="iasi")
    socket = socket_client(member)
    viewer = socket_client()
    viewer.emit("join", {"room": room}, callback=True)
    ack = socket.emit("comment.create", {"room": room, "body": "Over the socket"}, callback=True)
    assert ack["ok"] is True
    comment = ack["comment"]
    assert comment["author"] == {
        "id": me.id,
        "name": me.display_name,
        "city": "Iași",
        "role": "participant",
    }
    assert count(db_read) == 1, "stored once"
    assert [c["id"] for c in events(viewer, "comment.created")] == [comment["id"]]
    reply = socket.emit(
        "comment.create",
        {"room": room, "body": "and a reply", "parent_id": comment["id"]},
        callback=True,
    )
    assert (
        reply["ok"]
        and reply["comment"]["parent_id"] == comment["id"]
        and reply["comment"]["depth"] == 1
    )


def test_reconnecting_with_since_replays_in_order_without_duplicates(login_as, socket_client, room):
    member, _ = login_as()
    poster = socket_client(member)
    ids = [
        poster.emit("comment.create", {"room": room, "body": f"n{n}"}, callback=True)["comment"][
            "id"
        ]
        for n in range(5)
    ]
    late = socket_client()
    ack = late.emit("join", {"room": room, "since": ids[1]}, callback=True)
    assert ack == {"ok": True, "room": room, "replayed": 3}
    assert [c["id"] for c in events(late, "comment.created")] == ids[2:]
    again = late.emit("join", {"room": room, "since": ids[-1]}, callback=True)
    assert again["replayed"] == 0 and events(late, "comment.created") == []


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"room": "idea:999999"}, "not_found"),
        ({"room": "user:1"}, "not_found"),
        ({"room": "idea"}, "not_found"),
        ({"room": 42}, "not_found"),
        ({}, "not_found"),
        ("idea:1", "invalid"),
        (None, "invalid"),
    ],
)
def test_joining_an_unknown_room_is_refused(socket_client, payload, code):
    ack = socket_client().emit("join", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code


@pytest.mark.parametrize("since", ["12", -1, 1.5, True, [1]])
def test_since_must_be_a_comment_id(socket_client, room, since):
    ack = socket_client().emit("join", {"room": room, "since": since}, callback=True)
    assert (
        ack["ok"] is False
        and ack["error"]["code"] == "invalid"
        and "since" in ack["error"]["fields"]
    )


def test_unpublished_rooms_cannot_be_joined(socket_client, db_read):
    hidden = db_read(lambda: make_challenge(phase=Phase.proposed))
    ack = socket_client().emit("join", {"room": f"challenge:{hidden}"}, callback=True)
    assert ack["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"body": "x"}, "invalid", "room"),
        ({"room": "idea:999999", "body": "x"}, "not_found", None),
        ({"room": "ROOM", "body": ""}, "invalid", "body"),
        ({"room": "ROOM", "body": "   "}, "invalid", "body"),
        ({"room": "ROOM", "body": 12}, "invalid", "body"),
        ({"room": "ROOM", "body": "x" * 5001}, "invalid", "body"),
        ({"room": "ROOM", "body": "x", "parent_id": 999999}, "invalid", "parent_id"),
        ({"room": "ROOM", "body": "x", "parent_id": "one"}, "invalid", "parent_id"),
    ],
)
def test_bad_socket_posts_are_answered_and_store_nothing(
    login_as, socket_client, room, db_read, payload, code, field
):
    member, _ = login_as()
    payload = {k: (room if v == "ROOM" else v) for k, v in payload.items()}
    ack = socket_client(member).emit("comment.create", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code and ack["error"]["message"]
    if field:
        assert field in ack["error"]["fields"]
    assert count(db_read) == 0


def test_anonymous_visitors_cannot_post(socket_client, room, db_read):
    ack = socket_client().emit("comment.create", {"room": room, "body": "hello"}, callback=True)
    assert ack["error"]["code"] == "unauthenticated"
    assert count(db_read) == 0


def test_the_socket_shares_the_posting_limit(login_as, socket_client, room, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_COMMENTS", "2 per minute")
    member, _ = login_as()
    socket = socket_client(member)
    kind, ident = room.split(":")
    member.post("/comments", data={"target_type": kind, "target_id": ident, "body": "over http"})
    assert socket.emit("comment.create", {"room": room, "body": "one"}, callback=True)["ok"] is True
    ack = socket.emit("comment.create", {"room": room, "body": "two"}, callback=True)
    assert ack["error"]["code"] == "rate_limited" and "too fast" in ack["error"]["message"]


def test_edits_and_deletions_are_broadcast(login_as, socket_client, room):
    member, _ = login_as()
    viewer = socket_client()
    viewer.emit("join", {"room": room}, callback=True)
    comment = socket_client(member).emit(
        "comment.create", {"room": room, "body": "v1"}, callback=True
    )["comment"]
    member.post(f"/comments/{comment['id']}/edit", data={"body": "v2"})
    member.post(f"/comments/{comment['id']}/delete")
    updates = events(viewer, "comment.updated")
    assert [(u["html"], u["edited"], u["deleted"]) for u in updates] == [
        ("<p>v2</p>\n", True, False),
        (None, True, True),
    ]
