"""The live discussion of a case study: on its page, over the socket and the API, with its
comments flagged and moderated by the representatives of the case study's city."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab import content
from livinglab.accounts.models import Role
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.moderation import services as moderation
from tests.test_case_studies import bearer, folder, write  # noqa: F401 - folder is a fixture

# Files written by these tests go to a folder of their own (the fixture of test_case_studies).
pytestmark = pytest.mark.usefixtures("folder")


@pytest.fixture
def case_id(login_as):
    """A published Besançon case study."""
    member, _ = login_as(Role.participant, "besancon")
    ident = int(write(member).headers["Location"].rsplit("/", 1)[1])
    login_as(Role.city_rep, "besancon")[0].post(f"/case-studies/{ident}/publish")
    return ident


def comments(db_read) -> list[tuple[str, int, str]]:
    return db_read(
        lambda: [
            (c.target_type, c.target_id, c.body)
            for c in db.session.scalars(sa.select(Comment).order_by(Comment.id))
        ]
    )


def received(socket, name: str) -> list[dict]:
    return [m["args"][0] for m in socket.get_received() if m["name"] == name]


def test_the_registry_names_case_studies_in_addresses_as_their_pages_do(app):
    kind = content.get("case_study")
    assert kind is not None and kind.commentable and kind.plural == "case-studies"
    assert content.by_plural("case-studies") is kind
    assert content.get("idea").plural == "ideas"  # the default: the name and an "s"
    assert content.by_plural("case_studys") is None


def test_a_comment_on_a_case_study_reaches_every_viewer_live(
    case_id, login_as, socket_client, client, db_read
):
    page = client.get(f"/case-studies/{case_id}").get_data(as_text=True)
    assert f'data-room="case_study:{case_id}"' in page and "js/discussion.js" in page
    assert "Sign in to take part in the discussion." in page
    viewer = socket_client()
    assert viewer.emit("join", {"room": f"case_study:{case_id}"}, callback=True)["ok"] is True
    member, _ = login_as(Role.participant, "salamanca")
    form = member.get(f"/case-studies/{case_id}").get_data(as_text=True)
    assert 'name="target_type" type="hidden" value="case_study"' in form
    posted = member.post(
        "/comments",
        data={"target_type": "case_study", "target_id": case_id, "body": "Did the sponsors stay?"},
    )
    assert posted.status_code == 302
    assert posted.headers["Location"].startswith(f"/case-studies/{case_id}#comment-")
    [live] = received(viewer, "comment.created")
    assert live["room"] == f"case_study:{case_id}" and "Did the sponsors stay?" in live["html"]
    # Over the socket too, acknowledged with the saved comment.
    poster = socket_client(member)
    ack = poster.emit(
        "comment.create",
        {"room": f"case_study:{case_id}", "body": "And a reply", "parent_id": live["id"]},
        callback=True,
    )
    assert ack["ok"] is True and ack["comment"]["depth"] == 1
    assert comments(db_read) == [
        ("case_study", case_id, "Did the sponsors stay?"),
        ("case_study", case_id, "And a reply"),
    ]
    assert "Did the sponsors stay?" in client.get(f"/case-studies/{case_id}").get_data(as_text=True)


def test_a_draft_has_no_discussion_and_takes_no_comment(login_as, db_read, socket_client):
    member, _ = login_as(Role.participant, "besancon")
    draft = int(write(member).headers["Location"].rsplit("/", 1)[1])
    page = member.get(f"/case-studies/{draft}").get_data(as_text=True)
    assert 'id="discussion"' not in page
    refused = member.post(
        "/comments", data={"target_type": "case_study", "target_id": draft, "body": "Early"}
    )
    assert refused.status_code == 409  # the author may read it, nobody may discuss it yet
    outsider = socket_client()
    assert outsider.emit("join", {"room": f"case_study:{draft}"}, callback=True)["ok"] is False
    assert comments(db_read) == []


def test_the_api_lists_and_takes_comments_at_the_case_study_s_address(
    case_id, make_user, client, db_read
):
    token = bearer(db_read, make_user(Role.participant, "turku"))
    posted = client.post(
        f"/api/v1/case-studies/{case_id}/comments",
        json={"body": "Which insurer covered the scaffolding?"},
        headers=token,
    )
    assert posted.status_code == 201, posted.get_json()
    listed = client.get(f"/api/v1/case-studies/{case_id}/comments").get_json()
    assert [(c["target_type"], c["html"]) for c in listed["items"]] == [
        ("case_study", "<p>Which insurer covered the scaffolding?</p>\n")
    ]
    assert client.get(f"/api/v1/case_studys/{case_id}/comments").status_code == 404
    assert client.get("/api/v1/case-studies/999999/comments").status_code == 404
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(doc["paths"]["/case-studies/{target_id}/comments"])


@pytest.mark.parametrize(
    ("role", "city", "status"),
    [
        (Role.city_rep, "besancon", 302),  # the case study's city moderates its discussion
        (Role.city_rep, "salamanca", 403),
        (Role.admin, "pavia", 302),
        (Role.participant, "besancon", 403),
    ],
)
def test_the_case_study_s_city_moderates_its_comments(
    case_id, login_as, db_read, role, city, status
):
    member, _ = login_as(Role.participant, "iasi")
    member.post(
        "/comments",
        data={"target_type": "case_study", "target_id": case_id, "body": "Cheap watches here"},
    )
    comment_id = db_read(lambda: db.session.scalar(sa.select(Comment.id)))
    found = db_read(lambda: moderation.load_content("comment", comment_id))
    assert found.link == f"/case-studies/{case_id}#comment-{comment_id}"
    assert found.title == "Sponsors' circles for the walls of Vauban"
    moderator, _ = login_as(role, city)
    response = moderator.post(
        f"/moderation/comment/{comment_id}/hide", data={"reason": "Advertising"}
    )
    assert response.status_code == status
    hidden = db_read(lambda: db.session.get(Comment, comment_id).hidden_at is not None)
    assert hidden is (status == 302)


def test_three_flags_hide_a_comment_until_the_city_s_representative_decides(
    case_id, login_as, db_read, client
):
    author, _ = login_as(Role.participant, "iasi")
    author.post(
        "/comments",
        data={"target_type": "case_study", "target_id": case_id, "body": "Buy at spam.example"},
    )
    comment_id = db_read(lambda: db.session.scalar(sa.select(Comment.id)))
    for city in ("turku", "salamanca", "hildesheim"):
        flagger, _ = login_as(city=city)
        assert (
            flagger.post(f"/flags/comment/{comment_id}", data={"reason": "spam"}).status_code == 302
        )
    assert "spam.example" not in client.get(f"/case-studies/{case_id}").get_data(as_text=True)
    rep, _ = login_as(Role.city_rep, "besancon")
    assert f'data-testid="flagged-comment-{comment_id}"' in rep.get("/moderation").get_data(
        as_text=True
    )
    other, _ = login_as(Role.city_rep, "salamanca")
    assert f"flagged-comment-{comment_id}" not in other.get("/moderation").get_data(as_text=True)
