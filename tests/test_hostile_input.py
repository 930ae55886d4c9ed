"""Each input that once got a 500 (issue 12), over each face: JSON API, HTML form, socket."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.accounts.tokens import issue
from livinglab.core.inputs import clean_text, nesting_depth_exceeds, parse_id
from livinglab.discussion.models import Comment
from livinglab.errors import Invalid
from livinglab.extensions import db
from livinglab.reviews.models import CRITERION_NAMES
from tests.factories import make_challenge, make_idea

HUGE = [2**63, 2**63 - 1, -(2**63) - 1, 2**64, 2**31]
DEEP_ARRAY = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 5_000 + "1" + "}" * 5_000


@pytest.fixture
def idea(db_read, make_user) -> int:
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    return db_read(lambda: make_idea(challenge_id, author.id))


@pytest.fixture
def bearer(db_read, make_user):
    def make(role: Role = Role.participant, city: str = "pavia") -> dict[str, str]:
        user = make_user(role, city)
        token = db_read(lambda: issue(db.session.get(type(user), user.id), "t")[0])
        return {"Authorization": f"Bearer {token}"}

    return make


def comments(db_read) -> list[str]:
    return db_read(lambda: list(db.session.scalars(sa.select(Comment.body).order_by(Comment.id))))


def error_of(response) -> dict:
    assert response.is_json, response.status_code
    return response.get_json()["error"]


# --- the parts ----------------------------------------------------------------------------


def test_the_depth_scan_counts_structure_not_brackets_inside_strings():
    assert nesting_depth_exceeds("[" * 33 + "]" * 33)
    assert not nesting_depth_exceeds("[" * 32 + "]" * 32)
    assert not nesting_depth_exceeds('["' + "[" * 100 + '"]')
    assert not nesting_depth_exceeds('["\\"' + "[" * 100 + '"]')  # an escaped quote stays inside
    assert nesting_depth_exceeds(DEEP_OBJECT)


@pytest.mark.parametrize("value", [True, False, -1, 0, 2**31, 2**63, 1.0, "1", None, [1]])
def test_the_id_parser_refuses_what_is_not_an_id(value):
    with pytest.raises(Invalid) as refused:
        parse_id(value, "parent_id")
    assert refused.value.status == 400 and "parent_id" in refused.value.fields


def test_the_id_parser_takes_digit_text_only_when_asked_and_only_ascii():
    assert parse_id(2**31 - 1, "x") == 2**31 - 1
    assert parse_id("42", "x", allow_text=True) == 42
    for text in ("²", "١", "9" * 20, "-1", " 1", "1e3"):
        with pytest.raises(Invalid):
            parse_id(text, "x", allow_text=True)


def test_cleaning_replaces_nul_and_lone_surrogates_only():
    assert clean_text("a\x00b\ud800c\U0001f600") == "a\ufffdb\ufffdc\U0001f600"


# --- JSON API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [DEEP_ARRAY, DEEP_OBJECT])
@pytest.mark.parametrize(
    "path",
    ["/api/v1/challenges", "/api/v1/tokens", "/api/v1/users", "/api/v1/ideas/{idea}/comments"],
)
def test_deeply_nested_json_is_a_400_on_every_json_post(client, bearer, idea, raw, path):
    response = client.post(
        path.format(idea=idea),
        data=raw,
        headers={**bearer(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "nested" in error_of(response)["message"]


def test_an_oversized_json_body_is_a_413(client, bearer, idea):
    body = '{"body": "' + "x" * (1024 * 1024) + '"}'
    response = client.post(
        f"/api/v1/ideas/{idea}/comments",
        data=body,
        headers={**bearer(), "Content-Type": "application/json"},
    )
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"


@pytest.mark.parametrize("raw", ["NaN", '{"body": "x"', '{"body": ' + "9" * 5000 + "}"])
def test_malformed_json_is_a_400(client, bearer, idea, raw):
    response = client.post(
        f"/api/v1/ideas/{idea}/comments",
        data=raw,
        headers={**bearer(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and error_of(response)["code"] == "invalid"


def test_invalid_utf8_is_a_400(client, bearer, idea):
    response = client.post(
        f"/api/v1/ideas/{idea}/comments",
        data=b'{"body": "\xff\xfe"}',
        headers={**bearer(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("text", ["\ud800", "x\udfffy", "nul\x00byte"])
def test_unstorable_text_in_an_api_body_is_refused_on_its_field(
    client, bearer, idea, db_read, text
):
    response = client.post(f"/api/v1/ideas/{idea}/comments", json={"body": text}, headers=bearer())
    assert response.status_code == 400
    assert "body" in error_of(response)["fields"]
    rep = bearer(Role.city_rep, "pavia")
    challenge = {"title": "T", "summary": "S", "body": "B", "lead_city": "pavia"}
    response = client.post(
        "/api/v1/challenges", json={**challenge, "themes": ["governance", text]}, headers=rep
    )
    assert response.status_code == 400 and "themes" in error_of(response)["fields"]
    assert comments(db_read) == []


@pytest.mark.parametrize("parent_id", [*HUGE, -1, True, "12", 1.5])
def test_parent_ids_outside_the_columns_are_a_400_over_the_api(
    client, bearer, idea, db_read, parent_id
):
    response = client.post(
        f"/api/v1/ideas/{idea}/comments",
        json={"body": "a reply", "parent_id": parent_id},
        headers=bearer(),
    )
    assert response.status_code == 400 and "parent_id" in error_of(response)["fields"]
    assert comments(db_read) == []


def test_a_zero_or_null_parent_is_a_top_level_comment(client, bearer, idea, db_read):
    for parent in (0, None):
        response = client.post(
            f"/api/v1/ideas/{idea}/comments",
            json={"body": f"top {parent}", "parent_id": parent},
            headers=bearer(),
        )
        assert response.status_code == 201 and response.get_json()["parent_id"] is None


@pytest.mark.parametrize("target", ["9223372036854775808", "2147483648", "99999999999999999999"])
def test_target_ids_outside_the_columns_are_refused_in_the_path(client, bearer, target):
    assert client.get(f"/api/v1/ideas/{target}/comments").status_code == 404
    response = client.post(f"/api/v1/ideas/{target}/comments", json={"body": "x"}, headers=bearer())
    # Werkzeug answers 405 here: the GET rule of the same path counts as a method mismatch
    # before the POST rule's BoundedInt refuses the number. A refusal either way, never a 500.
    assert response.status_code in (404, 405) and error_of(response)["message"]


@pytest.mark.parametrize("name", ["themes", "cohost_cities"])
@pytest.mark.parametrize("value", [None, "governance", {"a": 1}, [1], [None]])
def test_a_list_field_that_is_not_a_list_of_slugs_is_a_400(client, bearer, name, value):
    challenge = {"title": "T", "summary": "S", "body": "B", "lead_city": "pavia"}
    challenge.setdefault("themes", ["governance"])
    challenge[name] = value
    response = client.post("/api/v1/challenges", json=challenge, headers=bearer())
    assert response.status_code == 400 and name in error_of(response)["fields"]


def test_null_for_a_text_field_of_a_patch_is_a_400(client, bearer, db_read):
    rep = bearer(Role.city_rep, "pavia")
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    for name in ("title", "lead_city", "votes_per_member", "hide_vote_counts"):
        response = client.patch(
            f"/api/v1/challenges/{challenge_id}", json={name: None}, headers=rep
        )
        assert response.status_code == 400 and name in error_of(response)["fields"], name


@pytest.mark.parametrize("score", ["²", "4", True, 4.0, None, [4]])
def test_a_review_score_that_is_not_a_whole_number_is_a_400(
    client, bearer, db_read, make_user, score
):
    from livinglab.challenges.models import Phase

    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(lead="pavia", phase=Phase.selection))
    idea_id = db_read(lambda: make_idea(challenge_id, author.id))
    scores = dict.fromkeys(CRITERION_NAMES, 4) | {"feasibility": score}
    response = client.post(
        f"/api/v1/ideas/{idea_id}/reviews",
        json={"scores": scores, "assessment": "Sound.", "no_conflict": True},
        headers=bearer(Role.expert, "hildesheim"),
    )
    assert response.status_code == 400 and "feasibility" in error_of(response)["fields"]


@pytest.mark.parametrize("page", ["²", "99999999999999999999", "-1"])
def test_paging_numbers_that_are_not_numbers_are_a_400(client, page):
    assert client.get(f"/api/v1/challenges?page={page}").status_code == 400


def test_nul_in_query_strings_and_paths_is_answered(client):
    assert client.get("/api/v1/challenges?q=%00&city=%00").status_code == 200
    assert client.get("/challenges/?q=%00&page=%C2%B2").status_code == 200
    assert client.get("/cities/pa%00via").status_code == 404


# --- HTML form --------------------------------------------------------------------------------


@pytest.mark.parametrize("parent_id", ["9223372036854775808", "2147483648", "-1", "x"])
def test_parent_ids_outside_the_columns_are_a_400_in_the_comment_form(
    login_as, idea, db_read, parent_id
):
    member, _ = login_as()
    response = member.post(
        "/comments",
        data={"target_type": "idea", "target_id": idea, "body": "x", "parent_id": parent_id},
    )
    assert response.status_code == 400
    assert comments(db_read) == []


@pytest.mark.parametrize("target_id", ["9223372036854775808", "2147483648", "²"])
def test_target_ids_outside_the_columns_are_a_404_in_the_comment_form(login_as, target_id):
    member, _ = login_as()
    response = member.post(
        "/comments", data={"target_type": "idea", "target_id": target_id, "body": "x"}
    )
    assert response.status_code == 404


def test_nul_typed_into_a_form_is_stored_as_a_replacement_character(login_as, idea, db_read):
    member, _ = login_as()
    response = member.post(
        "/comments", data={"target_type": "idea", "target_id": idea, "body": "a\x00b"}
    )
    assert response.status_code == 302
    assert comments(db_read) == ["a\ufffdb"]


def test_a_surrogate_sent_as_utf8_bytes_in_a_form_is_answered(login_as, idea, db_read):
    member, _ = login_as()
    response = member.post(
        "/comments",
        data=f"target_type=idea&target_id={idea}&body=%ED%A0%80x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert all(not any(0xD800 <= ord(c) <= 0xDFFF for c in body) for body in comments(db_read))


@pytest.mark.parametrize("before", ["99999999999999999999", "²", "-3"])
def test_a_forged_before_in_a_thread_url_shows_the_newest_page(client, idea, before):
    assert client.get(f"/ideas/{idea}?before={before}").status_code == 200


# --- Socket.IO --------------------------------------------------------------------------------


@pytest.mark.parametrize("room_id", ["9223372036854775808", "2147483648", "99999999999999999999"])
def test_room_ids_outside_the_columns_are_not_found(socket_client, login_as, room_id):
    socket = socket_client(login_as()[0])
    for event in ("join", "comment.create"):
        ack = socket.emit(event, {"room": f"idea:{room_id}", "body": "x"}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] in ("not_found", "invalid"), ack
    ack = socket.emit("leave", {"room": f"idea:{room_id}"}, callback=True)
    assert ack["ok"] is False and "room" in ack["error"]["fields"]


@pytest.mark.parametrize("since", [2**63, 2**31, -(2**63) - 1, "\ud800"])
def test_a_since_outside_the_columns_is_a_400(socket_client, idea, since):
    ack = socket_client().emit("join", {"room": f"idea:{idea}", "since": since}, callback=True)
    assert ack["ok"] is False and "since" in ack["error"]["fields"]


@pytest.mark.parametrize("parent_id", [*HUGE, "9223372036854775808"])
def test_parent_ids_outside_the_columns_are_a_400_over_the_socket(
    socket_client, login_as, idea, db_read, parent_id
):
    socket = socket_client(login_as()[0])
    payload = {"room": f"idea:{idea}", "body": "x", "parent_id": parent_id}
    ack = socket.emit("comment.create", payload, callback=True)
    assert ack["ok"] is False and "parent_id" in ack["error"]["fields"]
    assert comments(db_read) == []


@pytest.mark.parametrize("text", ["\ud800", "nul\x00"])
def test_unstorable_text_over_the_socket_is_refused_on_its_field(
    socket_client, login_as, idea, db_read, text
):
    socket = socket_client(login_as()[0])
    ack = socket.emit("comment.create", {"room": f"idea:{idea}", "body": text}, callback=True)
    assert ack["ok"] is False and "body" in ack["error"]["fields"]
    ack = socket.emit("join", {"room": text}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert comments(db_read) == []


def test_a_deeply_nested_socket_packet_is_answered_and_the_socket_lives_on(socket_client, idea):
    socket = socket_client()
    raw = '21["join",' + DEEP_ARRAY + "]"  # EVENT with ack id 1, as a hostile client sends it
    socket.socketio.server._handle_eio_message(socket.eio_sid, raw)
    ack = socket.acks["args"][0]
    assert ack["ok"] is False and "nested" in ack["error"]["message"]
    assert socket.emit("join", {"room": f"idea:{idea}"}, callback=True)["ok"] is True


def test_extra_arguments_are_answered(socket_client):
    ack = socket_client().emit("join", {"room": "idea:1"}, 2, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"


def test_an_unexpected_error_in_a_handler_is_acknowledged_and_rolled_back(
    socket_client, login_as, idea, db_read
):
    from livinglab import events

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    socket = socket_client(login_as()[0])
    # A receiver of the comment's before-commit event fails after the comment was flushed.
    events.comment_posting.connect(broken)
    try:
        ack = socket.emit("comment.create", {"room": f"idea:{idea}", "body": "x"}, callback=True)
    finally:
        events.comment_posting.disconnect(broken)
    assert ack == {
        "ok": False,
        "error": {"code": "server_error", "message": "Something went wrong on our side."},
    }
    assert comments(db_read) == []  # the flushed comment was rolled back
    ack = socket.emit("comment.create", {"room": f"idea:{idea}", "body": "y"}, callback=True)
    assert ack["ok"] is True  # the session is usable again


@pytest.mark.parametrize("auth", [{"token": "ll_\ud800"}, {"token": 2**64}, {"token": ["x"]}])
def test_a_hostile_connect_token_is_refused_not_crashed(app, auth):
    from livinglab.extensions import socketio

    assert not socketio.test_client(app, auth=auth).is_connected()
