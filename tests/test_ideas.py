"""Ideas: submit alone or as a cross-city team, with files; edit, withdraw; who may not."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from livinglab.accounts.models import Role
from livinglab.challenges.models import Phase
from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, Idea, IdeaAttachment, IdeaStatus, InvitationStatus
from livinglab.uploads.models import Attachment
from tests.factories import make_challenge
from tests.html import dangerous_markup

IDEA = {
    "title": "Night walks",
    "summary": "Students guide night walks.",
    "body": "We light the *lanterns*.",
}


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def png(name: str = "photo.png") -> tuple[io.BytesIO, str, str]:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer, name, "image/png"


def submit(client, challenge_id: int, **changes):
    return client.post(
        f"/challenges/{challenge_id}/ideas/new",
        data={**IDEA, **changes},
        content_type="multipart/form-data",
    )


def idea_count(db_read) -> int:
    return db_read(lambda: db.session.scalar(sa.select(sa.func.count(Idea.id))))


def new_idea_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_turku_artist_submits_with_an_image_and_a_iasi_coauthor_who_accepts(
    login_as, make_user, db_read, client
):
    challenge_id = db_read(lambda: make_challenge(lead="pavia", cohosts=("coimbra",)))
    artist, me = login_as(city="turku")
    partner = make_user(city="iasi", email="ioana@example.ro")
    idea_id = new_idea_id(
        submit(artist, challenge_id, attachments=[png()], coauthors=str(partner.id))
    )
    idea = db_read(lambda: db.session.get(Idea, idea_id))
    assert (idea.author_id, idea.status) == (me.id, IdeaStatus.submitted)
    links = db_read(
        lambda: db.session.scalars(
            sa.select(IdeaAttachment).where(IdeaAttachment.idea_id == idea_id)
        ).all()
    )
    assert len(links) == 1
    invited = db_read(lambda: db.session.get(Coauthor, (idea_id, partner.id)))
    assert invited.status == InvitationStatus.invited

    partner_client = artist.application.test_client()
    partner_client.post(
        "/login", data={"email": partner.email, "password": "correct horse battery"}
    )
    assert "invites you to co-author" in partner_client.get("/notifications/").get_data(
        as_text=True
    )
    assert 'data-testid="invitations"' in partner_client.get("/activity").get_data(as_text=True)
    assert partner_client.post(f"/ideas/{idea_id}/invitation/accept").status_code == 302
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert partner.display_name in page and "Iași" in page and "co-author" in page
    assert "/files/" in page and "/thumb" in page
    # Accepted co-authors are authors for every rule: they may edit.
    assert (
        partner_client.post(
            f"/ideas/{idea_id}/edit",
            data={**IDEA, "title": "Night walks, together"},
            content_type="multipart/form-data",
        ).status_code
        == 302
    )
    assert db_read(lambda: db.session.get(Idea, idea_id).title) == "Night walks, together"
    assert "joined the team" in artist.get("/notifications/").get_data(as_text=True)


def test_an_invitation_is_answered_once_and_only_by_the_invitee(login_as, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge())
    author, _ = login_as()
    invitee = make_user(email="guest@example.org")
    idea_id = new_idea_id(submit(author, challenge_id, coauthors=str(invitee.id)))
    stranger, _ = login_as(city="besancon")
    assert stranger.post(f"/ideas/{idea_id}/invitation/accept").status_code == 404
    guest = author.application.test_client()
    guest.post("/login", data={"email": invitee.email, "password": "correct horse battery"})
    assert guest.post(f"/ideas/{idea_id}/invitation/decline").status_code == 302
    assert guest.post(f"/ideas/{idea_id}/invitation/accept").status_code == 303
    assert (
        db_read(lambda: db.session.get(Coauthor, (idea_id, invitee.id)).status)
        == InvitationStatus.declined
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"summary": "s" * 501}, "summary", "Field cannot be longer than 500 characters."),
        (
            {"coauthors": "999999"},
            "coauthors",
            "This member cannot be found: choose one from the list.",
        ),
        ({"coauthors": "nobody@example.org"}, "coauthors", "Choose members from the list."),
        (
            {"attachments": [png(f"p{i}.png") for i in range(6)]},
            "attachments",
            "An idea has at most 5 images or documents.",
        ),
        (
            {
                "attachments": [
                    (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 400), "holiday.jpg", "image/jpeg")
                ]
            },
            "attachments",
            "Only PNG, JPEG, WebP images or PDF documents are accepted.",
        ),
        (
            {"attachments": [(io.BytesIO(b"<script>alert(1)</script>"), "notes.png", "image/png")]},
            "attachments",
            "Only PNG, JPEG, WebP images or PDF documents are accepted.",
        ),
    ],
)
def test_bad_ideas_are_explained_and_nothing_is_written(
    login_as, db_read, changes, field, message, app
):
    challenge_id = db_read(lambda: make_challenge())
    client, _ = login_as()
    before = (
        idea_count(db_read),
        db_read(lambda: db.session.scalar(sa.select(sa.func.count(Attachment.id)))),
    )
    response = submit(client, challenge_id, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and message in page
    after = (
        idea_count(db_read),
        db_read(lambda: db.session.scalar(sa.select(sa.func.count(Attachment.id)))),
    )
    assert after == before


def test_an_oversized_upload_is_413_with_a_clear_message(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge())
    client, _ = login_as()
    pdf = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF"
    fields = {
        **IDEA,
        "attachments": FileStorage(io.BytesIO(pdf), "plan.pdf", content_type="application/pdf"),
    }
    # Encoded in memory: the test client's own spooling to a temporary file is never closed.
    boundary, body = encode_multipart(fields)
    response = client.post(
        f"/challenges/{challenge_id}/ideas/new",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert "at most 5 MB" in response.get_data(as_text=True)
    assert idea_count(db_read) == 0


@pytest.mark.parametrize("phase", [Phase.voting, Phase.selection, Phase.closed])
def test_ideas_are_submitted_only_while_the_challenge_is_open(login_as, db_read, phase):
    challenge_id = db_read(lambda: make_challenge(phase=phase))
    client, _ = login_as()
    response = submit(client, challenge_id)
    assert response.status_code == 409
    assert "only be submitted while the challenge is open" in response.get_data(as_text=True)
    assert idea_count(db_read) == 0


def test_no_idea_on_a_proposal(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge(phase=Phase.proposed))
    client, _ = login_as(city="turku")
    assert submit(client, challenge_id).status_code == 404


def test_only_authors_edit_and_withdraw_while_open(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge())
    author, _ = login_as()
    idea_id = new_idea_id(submit(author, challenge_id))
    for role, city in (
        (Role.participant, "pavia"),
        (Role.city_rep, "pavia"),
        (Role.expert, "turku"),
    ):
        other, _ = login_as(role, city)
        assert (
            other.post(
                f"/ideas/{idea_id}/edit", data=IDEA, content_type="multipart/form-data"
            ).status_code
            == 403
        )
        assert other.post(f"/ideas/{idea_id}/withdraw").status_code == 403
    assert author.post(f"/ideas/{idea_id}/withdraw").status_code == 302
    assert db_read(lambda: db.session.get(Idea, idea_id).status) == IdeaStatus.withdrawn
    page = author.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert 'data-testid="idea-status">Withdrawn' in page
    assert (
        author.post(
            f"/ideas/{idea_id}/edit", data=IDEA, content_type="multipart/form-data"
        ).status_code
        == 409
    )


def test_authors_cannot_edit_once_voting_opens(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    author, _ = login_as()
    idea_id = new_idea_id(submit(author, challenge_id))
    rep, _ = login_as(Role.city_rep, "pavia")
    rep.post(f"/challenges/{challenge_id}/phase/voting")
    response = author.post(
        f"/ideas/{idea_id}/edit", data={**IDEA, "title": "late"}, content_type="multipart/form-data"
    )
    assert response.status_code == 409
    assert db_read(lambda: db.session.get(Idea, idea_id).title) == "Night walks"


def test_files_are_added_and_removed_when_editing(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge())
    author, _ = login_as()
    idea_id = new_idea_id(submit(author, challenge_id, attachments=[png("a.png"), png("b.png")]))
    ids = db_read(
        lambda: db.session.scalars(
            sa.select(IdeaAttachment.attachment_id).where(IdeaAttachment.idea_id == idea_id)
        ).all()
    )
    response = author.post(
        f"/ideas/{idea_id}/edit",
        data={**IDEA, "remove_attachment": [str(ids[0])], "attachments": [png("c.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    names = db_read(
        lambda: db.session.scalars(
            sa.select(Attachment.original_name)
            .join(IdeaAttachment)
            .where(IdeaAttachment.idea_id == idea_id)
            .order_by(IdeaAttachment.position)
        ).all()
    )
    assert names == ["b.png", "c.png"]


@pytest.mark.parametrize(
    "payload",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))"],
)
def test_idea_text_never_runs_scripts(login_as, db_read, client, payload):
    challenge_id = db_read(lambda: make_challenge())
    author, _ = login_as()
    idea_id = new_idea_id(
        submit(author, challenge_id, title=f"T {payload}", summary=payload, body=payload)
    )
    for path in (f"/ideas/{idea_id}", f"/challenges/{challenge_id}", "/activity"):
        assert dangerous_markup(author.get(path).get_data(as_text=True)) == [], path


def test_unknown_idea_is_404(client):
    assert client.get("/ideas/424242").status_code == 404
