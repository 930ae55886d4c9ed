"""Files follow their content: a file (and its thumbnail) is fetched by exactly those who may see
the idea, challenge or pilot showing it; everyone else gets 404, as for the content itself."""

from __future__ import annotations

from io import BytesIO

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage

from livinglab.accounts.models import Role
from livinglab.challenges.models import Challenge, Phase
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.ideas.models import Idea, IdeaAttachment, IdeaStatus
from livinglab.pilots.models import Milestone, Pilot, PilotStatus, PilotUpdate
from livinglab.uploads.services import store_upload
from livinglab.uploads.views import PUBLIC_CACHE, RESTRICTED_CACHE
from tests.conftest import PASSWORD
from tests.factories import make_challenge, make_idea

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _png() -> FileStorage:
    out = BytesIO()
    Image.new("RGB", (60, 40), (180, 90, 40)).save(out, "PNG")
    return FileStorage(BytesIO(out.getvalue()), filename="fresco.png")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


@pytest.fixture
def people(login_as, app):
    """Signed-in clients: the idea's author, a stranger, a moderator (co-host city rep), an
    admin, the proposer of the challenge and the lead city's representative; and a visitor."""
    signed_in = {
        name: login_as(role, city)
        for name, role, city in (
            ("author", Role.participant, "turku"),
            ("stranger", Role.participant, "iasi"),
            ("moderator", Role.city_rep, "coimbra"),
            ("admin", Role.admin, "pavia"),
            ("proposer", Role.participant, "salamanca"),
            ("lead_rep", Role.city_rep, "pavia"),
        )
    }
    clients = {name: client for name, (client, _) in signed_in.items()}
    clients["anonymous"] = app.test_client()
    users = {name: user for name, (_, user) in signed_in.items()}
    return clients, users


@pytest.fixture
def idea_file(app, people):
    """An image attached to an idea of a challenge led by Pavia and co-hosted by Coimbra."""
    _, users = people
    with app.test_request_context():
        challenge_id = make_challenge(
            lead="pavia", cohosts=("coimbra",), proposer_id=users["proposer"].id
        )
        idea_id = make_idea(challenge_id, users["author"].id)
        attachment = store_upload(_png(), users["author"].id)
        db.session.flush()
        db.session.add(IdeaAttachment(idea_id=idea_id, attachment_id=attachment.id))
        db.session.commit()
        return {"challenge": challenge_id, "idea": idea_id, "attachment": attachment.id}


def statuses(client, attachment_id: int) -> tuple[int, int]:
    """The status of the file and of its thumbnail for this client."""
    codes = []
    for url in (f"/files/{attachment_id}/fresco.png", f"/files/{attachment_id}/thumb"):
        response = client.get(url)
        codes.append(response.status_code)
        if response.status_code == 200:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()
    return tuple(codes)


def cache_of(client, attachment_id: int) -> tuple[str, str]:
    values = []
    for url in (f"/files/{attachment_id}/fresco.png", f"/files/{attachment_id}/thumb"):
        response = client.get(url)
        assert response.status_code == 200, url
        values.append(response.headers["Cache-Control"])
        response.close()
    return tuple(values)


def change(app, model, row_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(model).where(model.id == row_id).values(**values))
        db.session.commit()


def test_files_of_a_public_idea_are_public_and_kept_out_of_shared_caches(people, idea_file):
    clients, _ = people
    for name, client in clients.items():
        assert statuses(client, idea_file["attachment"]) == (200, 200), name
    assert cache_of(clients["anonymous"], idea_file["attachment"]) == (PUBLIC_CACHE, PUBLIC_CACHE)
    assert "private" in PUBLIC_CACHE and "public" not in PUBLIC_CACHE


def test_files_of_an_idea_hidden_by_moderation_answer_404_like_the_idea(people, idea_file):
    clients, _ = people
    file_id, idea_id = idea_file["attachment"], idea_file["idea"]
    hidden = clients["moderator"].post(
        f"/moderation/idea/{idea_id}/hide", data={"reason": "Personal data in the images."}
    )
    assert hidden.status_code == 302
    for name, expected in (
        ("anonymous", 404),
        ("stranger", 404),
        ("proposer", 404),
        ("author", 200),
        ("moderator", 200),
        ("admin", 200),
    ):
        page = clients[name].get(f"/ideas/{idea_id}").status_code
        assert page == expected, f"the idea page for {name}"
        assert statuses(clients[name], file_id) == (expected, expected), name
    # Served only because of who asks: no cache may keep it.
    for name in ("author", "moderator", "admin"):
        assert cache_of(clients[name], file_id) == (RESTRICTED_CACHE, RESTRICTED_CACHE), name

    restored = clients["admin"].post(
        f"/moderation/idea/{idea_id}/restore", data={"reason": "Blurred by the author."}
    )
    assert restored.status_code == 302
    assert statuses(clients["anonymous"], file_id) == (200, 200)


def test_files_under_a_challenge_hidden_by_moderation_follow_the_challenge(app, people, idea_file):
    clients, _ = people
    change(app, Challenge, idea_file["challenge"], hidden_at=utcnow(), hidden_reason="Spam")
    # The challenge's moderators and its proposer (its author) still see it; nobody else does,
    # not even the idea's author.
    for name, expected in (
        ("anonymous", 404),
        ("stranger", 404),
        ("author", 404),
        ("proposer", 200),
        ("moderator", 200),
        ("admin", 200),
    ):
        assert clients[name].get(f"/ideas/{idea_file['idea']}").status_code == expected, name
        assert statuses(clients[name], idea_file["attachment"]) == (expected, expected), name


@pytest.mark.parametrize("phase", [Phase.proposed, Phase.declined])
def test_files_under_an_unpublished_challenge_are_for_its_deciders(app, people, idea_file, phase):
    clients, _ = people
    change(app, Challenge, idea_file["challenge"], phase=phase)
    for name, expected in (
        ("anonymous", 404),
        ("stranger", 404),
        ("author", 404),
        ("moderator", 404),  # a co-host decides nothing about publication
        ("proposer", 200),
        ("lead_rep", 200),
        ("admin", 200),
    ):
        assert statuses(clients[name], idea_file["attachment"]) == (expected, expected), name
    assert cache_of(clients["lead_rep"], idea_file["attachment"]) == (
        RESTRICTED_CACHE,
        RESTRICTED_CACHE,
    )


def test_files_of_a_withdrawn_idea_follow_the_withdrawn_idea_page(app, people, idea_file):
    clients, _ = people
    change(app, Idea, idea_file["idea"], status=IdeaStatus.withdrawn, withdrawn_at=utcnow())
    # Whatever the rule for withdrawn ideas is, the files answer exactly as the page does.
    for name, client in clients.items():
        page = client.get(f"/ideas/{idea_file['idea']}").status_code
        assert page in (200, 404), name
        assert statuses(client, idea_file["attachment"]) == (page, page), name
    assert statuses(clients["author"], idea_file["attachment"]) == (200, 200)


def test_a_deleted_account_s_files_stay_with_its_public_contribution(app, people, idea_file):
    # The privacy rules keep public contributions of a deleted account (anonymised), so the
    # files they show stay too; hidden ones stay hidden.
    clients, _ = people
    deleted = clients["author"].post(
        "/profile/delete", data={"password": PASSWORD, "confirmation": "DELETE"}
    )
    assert deleted.status_code == 302
    assert clients["anonymous"].get(f"/ideas/{idea_file['idea']}").status_code == 200
    assert statuses(clients["anonymous"], idea_file["attachment"]) == (200, 200)
    change(app, Idea, idea_file["idea"], hidden_at=utcnow(), hidden_reason="Off topic")
    assert statuses(clients["anonymous"], idea_file["attachment"]) == (404, 404)
    assert statuses(clients["author"], idea_file["attachment"]) == (404, 404), "signed out"


def test_a_file_shown_nowhere_is_served_to_nobody(app, people):
    clients, users = people
    with app.test_request_context():
        orphan = store_upload(_png(), users["author"].id)
        db.session.commit()
        orphan_id = orphan.id
    for name in ("anonymous", "author", "admin"):
        assert statuses(clients[name], orphan_id) == (404, 404), name


def test_a_file_unlinked_from_its_idea_is_no_longer_served(app, people, idea_file):
    clients, _ = people
    with app.app_context():
        db.session.execute(
            sa.delete(IdeaAttachment).where(IdeaAttachment.attachment_id == idea_file["attachment"])
        )
        db.session.commit()
    assert statuses(clients["anonymous"], idea_file["attachment"]) == (404, 404)


def test_pilot_images_and_evidence_are_as_public_as_the_pilot(app, people, idea_file):
    clients, users = people
    change(app, Challenge, idea_file["challenge"], phase=Phase.selection)
    with app.test_request_context():
        pilot = Pilot(
            idea_id=idea_file["idea"],
            challenge_id=idea_file["challenge"],
            city_id=users["lead_rep"].city_id,
            status=PilotStatus.running,
        )
        db.session.add(pilot)
        db.session.flush()
        update = PilotUpdate(pilot_id=pilot.id, author_id=users["author"].id, body="Doors open.")
        image = store_upload(_png(), users["author"].id)
        update.images = [image]
        evidence = store_upload(
            FileStorage(BytesIO(PDF), filename="minutes.pdf"), users["author"].id
        )
        db.session.add_all([update, evidence])
        db.session.flush()
        db.session.add(Milestone(pilot_id=pilot.id, title="Open", evidence_attachment=evidence))
        db.session.commit()
        image_id, evidence_id, pilot_id = image.id, evidence.id, pilot.id
    anonymous = clients["anonymous"]
    assert anonymous.get(f"/pilots/{pilot_id}").status_code == 200
    assert statuses(anonymous, image_id) == (200, 200)
    response = anonymous.get(f"/files/{evidence_id}/minutes.pdf")
    assert response.status_code == 200 and response.headers["Cache-Control"] == PUBLIC_CACHE
    response.close()
    assert anonymous.get(f"/files/{evidence_id}/thumb").status_code == 404, "PDFs have none"


def test_checking_a_file_s_visibility_costs_a_handful_of_queries(people, idea_file, count_queries):
    # An idea page asks for up to five thumbnails at once: each stays a few indexed lookups
    # (measured: 7 — the file, its idea, challenge, co-hosts, co-authors, the pilot lookup and
    # the case-study lookup), whoever asks; a signed-in member may add loading their account.
    clients, _ = people
    for name, budget in (("anonymous", 7), ("author", 9)):
        with count_queries() as counted:
            response = clients[name].get(f"/files/{idea_file['attachment']}/thumb")
            assert response.status_code == 200
            response.close()
        assert counted.n <= budget, (name, counted.statements)
