"""Content language: what challenges, ideas, pilots and comments are written in — its default,
the author's choice, the filters of every list, and the lang attribute screen readers need."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role, User
from livinglab.challenges.models import Challenge, Phase
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.i18n import content_language_for
from livinglab.ideas.models import Idea
from livinglab.pilots.models import Pilot, PilotStatus
from livinglab.reviews.models import Review
from tests.factories import make_challenge, make_idea
from tests.test_api import error_of, token_for

PROPOSAL = {
    "title": "Kaupungin valot",
    "summary": "Nuoret taiteilijat valaisevat telakan.",
    "body": "Telakan hallit ansaitsevat **yöelämän**.",
    "themes": ["youth-engagement"],
    "lead_city": "turku",
    "votes_per_member": "3",
}
IDEA = {"title": "Lanternes", "summary": "Des lanternes en papier.", "body": "Fabriquées ici."}
API_PROPOSAL = {k: v for k, v in PROPOSAL.items() if k != "votes_per_member"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Languages(HTMLParser):
    """Each piece of text of a page's body with the language of its nearest ``lang`` attribute.

    The document's <title> is left out: it mixes the content's words with the site's name.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []
        self.pieces: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and "head" not in (tag for tag, _ in self.open):
            lang = next((lang for _, lang in reversed(self.open) if lang), None)
            self.pieces.append((lang, data.strip()))


def languages_of(page: str, text: str, *, exact: bool = False) -> set[str | None]:
    """The languages a reader's tools would use for every occurrence of ``text``."""
    parser = _Languages()
    parser.feed(page)
    found = {lang for lang, piece in parser.pieces if (piece == text if exact else text in piece)}
    assert found, f"{text!r} is not on the page"
    return found


def prefer(db_read, user: User, code: str | None) -> None:
    def run():
        db.session.get(User, user.id).preferred_language = code
        db.session.commit()

    db_read(run)


def new_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def row(db_read, model, ident):
    return db_read(lambda: db.session.get(model, ident))


def count(db_read, model) -> int:
    return db_read(lambda: db.session.scalar(sa.select(sa.func.count(model.id))))


# --- the default ---------------------------------------------------------------------------


def test_the_default_is_the_preference_then_the_city_then_the_interface(app, make_user):
    turku = make_user(city="turku")
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert content_language_for(turku) == "fi"
        turku.preferred_language = "de"
        assert content_language_for(turku) == "de"
        turku.preferred_language = "xx"  # no longer supported: ignored
        assert content_language_for(turku) == "fi"
        turku.city.language = "sv"  # a partner whose language the platform does not speak
        assert content_language_for(turku) == "es", "the interface's language"
        turku.city.language = "fi"
    with app.app_context():
        assert content_language_for(None) == "en"


def test_a_proposal_defaults_to_the_city_language_then_to_the_preference(login_as, db_read):
    client, me = login_as(city="turku")
    form = client.get("/challenges/new").get_data(as_text=True)
    assert '<option lang="fi" selected value="fi">Suomi</option>' in form, "pre-filled"
    first = new_id(client.post("/challenges/new", data=PROPOSAL))
    assert row(db_read, Challenge, first).language == "fi"
    prefer(db_read, me, "pt")
    assert 'selected value="pt"' in client.get("/challenges/new").get_data(as_text=True)
    second = new_id(client.post("/challenges/new", data=PROPOSAL))
    assert row(db_read, Challenge, second).language == "pt"


def test_an_idea_defaults_to_its_author_language(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    client, _ = login_as(city="poitiers")
    form = client.get(f"/challenges/{challenge_id}/ideas/new").get_data(as_text=True)
    assert 'selected value="fr"' in form
    idea_id = new_id(client.post(f"/challenges/{challenge_id}/ideas/new", data=IDEA))
    assert row(db_read, Idea, idea_id).language == "fr"


# --- the author's choice -------------------------------------------------------------------


def test_the_chosen_language_is_stored_and_can_be_corrected(login_as, db_read):
    client, _ = login_as(city="turku")
    challenge_id = new_id(client.post("/challenges/new", data={**PROPOSAL, "language": "en"}))
    assert row(db_read, Challenge, challenge_id).language == "en"
    edit = client.get(f"/challenges/{challenge_id}/edit").get_data(as_text=True)
    assert 'selected value="en"' in edit, "the edit form shows the stored language"
    client.post(f"/challenges/{challenge_id}/edit", data={**PROPOSAL, "language": "fi"})
    assert row(db_read, Challenge, challenge_id).language == "fi"

    open_id = db_read(lambda: make_challenge(lead="pavia"))
    writer, _ = login_as(city="pavia")
    url = f"/challenges/{open_id}/ideas/new"
    idea_id = new_id(writer.post(url, data={**IDEA, "language": "fr"}))
    assert row(db_read, Idea, idea_id).language == "fr"
    assert 'selected value="fr"' in writer.get(f"/ideas/{idea_id}/edit").get_data(as_text=True)
    assert writer.post(f"/ideas/{idea_id}/edit", data={**IDEA, "language": "ro"}).status_code == 302
    assert row(db_read, Idea, idea_id).language == "ro"


@pytest.mark.parametrize("code", ["xx", "EN", "", "english"])
def test_an_unknown_language_is_refused_at_its_field_and_nothing_is_written(
    login_as, db_read, code
):
    client, _ = login_as(city="turku")
    before = count(db_read, Challenge)
    response = client.post("/challenges/new", data={**PROPOSAL, "language": code})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert '<p class="field-error" id="language-error">Choose a language.</p>' in page
    assert count(db_read, Challenge) == before

    challenge_id = db_read(lambda: make_challenge(lead="pavia", language="it"))
    response = client.post(f"/challenges/{challenge_id}/ideas/new", data={**IDEA, "language": code})
    assert response.status_code == 400
    assert 'id="language-error">Choose a language.' in response.get_data(as_text=True)
    assert count(db_read, Idea) == 0


def test_editing_with_an_unknown_language_changes_nothing(login_as, db_read):
    client, _ = login_as(city="turku")
    challenge_id = new_id(client.post("/challenges/new", data=PROPOSAL))
    changed = {**PROPOSAL, "title": "Another title", "language": "klingon"}
    assert client.post(f"/challenges/{challenge_id}/edit", data=changed).status_code == 400
    stored = row(db_read, Challenge, challenge_id)
    assert (stored.title, stored.language) == (PROPOSAL["title"], "fi")


def test_the_api_takes_the_default_or_a_valid_choice_and_refuses_others(client, make_user, db_read):
    headers = token_for(client, make_user(city="iasi"))
    made = client.post("/api/v1/challenges", json=API_PROPOSAL, headers=headers)
    assert made.status_code == 201 and made.get_json()["language"] == "ro"
    chosen = client.post(
        "/api/v1/challenges", json={**API_PROPOSAL, "language": "es"}, headers=headers
    ).get_json()
    assert chosen["language"] == "es"
    assert row(db_read, Challenge, chosen["id"]).language == "es"

    before = count(db_read, Challenge)
    for bad in ("xx", 7, ""):
        response = client.post(
            "/api/v1/challenges", json={**API_PROPOSAL, "language": bad}, headers=headers
        )
        assert response.status_code == 400
        assert "language" in error_of(response)["fields"]
    refused = client.post(
        "/api/v1/challenges", json={**API_PROPOSAL, "language": "xx"}, headers=headers
    )
    assert error_of(refused)["fields"] == {"language": "Choose a language."}
    assert count(db_read, Challenge) == before

    # PATCH: leaving the language out keeps it; a bad one changes nothing at all.
    rid = chosen["id"]
    kept = client.patch(f"/api/v1/challenges/{rid}", json={"title": "New"}, headers=headers)
    assert kept.get_json()["language"] == "es"
    bad = client.patch(
        f"/api/v1/challenges/{rid}", json={"title": "Newer", "language": "xx"}, headers=headers
    )
    assert bad.status_code == 400
    assert (row(db_read, Challenge, rid).title, row(db_read, Challenge, rid).language) == (
        "New",
        "es",
    )
    moved = client.patch(f"/api/v1/challenges/{rid}", json={"language": "de"}, headers=headers)
    assert moved.get_json()["language"] == "de"


def test_the_api_ideas_take_a_language(client, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    headers = token_for(client, make_user(city="salamanca"))
    url = f"/api/v1/challenges/{challenge_id}/ideas"
    default = client.post(url, json=IDEA, headers=headers).get_json()
    assert default["language"] == "es"
    chosen = client.post(url, json={**IDEA, "language": "fr"}, headers=headers).get_json()
    assert chosen["language"] == "fr"
    refused = client.post(url, json={**IDEA, "language": "xx"}, headers=headers)
    assert refused.status_code == 400
    assert error_of(refused)["fields"] == {"language": "Choose a language."}
    assert count(db_read, Idea) == 2
    patched = client.patch(
        f"/api/v1/ideas/{chosen['id']}", json={"language": "pt"}, headers=headers
    )
    assert patched.get_json()["language"] == "pt"
    assert client.get(f"/api/v1/ideas/{default['id']}").get_json()["language"] == "es"


# --- lists filtered by language ------------------------------------------------------------


@pytest.fixture
def three_challenges(db_read):
    return {
        lang: db_read(lambda lang=lang: make_challenge(title=f"Challenge in {lang}", language=lang))
        for lang in ("fi", "it", "en")
    }


def titles_on(page: str) -> set[str]:
    return {piece for _, piece in _pieces(page) if piece.startswith("Challenge in ")}


def _pieces(page: str):
    parser = _Languages()
    parser.feed(page)
    return parser.pieces


def test_the_challenges_list_filters_by_language(client, three_challenges):
    page = client.get("/challenges/?language=fi").get_data(as_text=True)
    assert titles_on(page) == {"Challenge in fi"}
    assert '<option value="fi" lang="fi" selected>Suomi</option>' in page
    for ignored in ("zz", "", "FI", "fi'--"):
        response = client.get("/challenges/", query_string={"language": ignored})
        assert response.status_code == 200
        assert titles_on(response.get_data(as_text=True)) == {
            "Challenge in fi",
            "Challenge in it",
            "Challenge in en",
        }


def test_the_api_challenge_list_filters_by_language(client, three_challenges):
    items = client.get("/api/v1/challenges?language=it").get_json()["items"]
    assert [c["title"] for c in items] == ["Challenge in it"]
    assert items[0]["language"] == "it"
    every = client.get("/api/v1/challenges?language=zz&per_page=100")
    assert every.status_code == 200
    assert {c["title"] for c in every.get_json()["items"]} >= set(
        f"Challenge in {lang}" for lang in three_challenges
    )


def test_the_ideas_of_a_challenge_filter_by_language(client, db_read, make_user):
    author = make_user(city="coimbra")
    challenge_id = db_read(lambda: make_challenge())
    for lang in ("pt", "en", "pt"):
        db_read(
            lambda lang=lang: make_idea(
                challenge_id, author.id, title=f"Idea in {lang}", language=lang
            )
        )

    def titles(page: str) -> list[str]:
        return [piece for _, piece in _pieces(page) if piece.startswith("Idea in ")]

    page = client.get(f"/challenges/{challenge_id}?language=pt").get_data(as_text=True)
    assert titles(page) == ["Idea in pt", "Idea in pt"]
    assert '<option value="pt" lang="pt" selected>Português</option>' in page
    assert len(titles(client.get(f"/challenges/{challenge_id}?language=nope").text)) == 3
    api = client.get(f"/api/v1/challenges/{challenge_id}/ideas?language=en").get_json()
    assert [(i["title"], i["language"]) for i in api["items"]] == [("Idea in en", "en")]
    assert client.get(f"/api/v1/challenges/{challenge_id}/ideas?language=nope").json["total"] == 3


# --- pilots --------------------------------------------------------------------------------


@pytest.fixture
def italian_idea_in_selection(db_read, make_user):
    author = make_user(city="pavia")
    expert = make_user(Role.expert, "hildesheim")
    challenge_id = db_read(lambda: make_challenge(lead="pavia", phase=Phase.selection))
    idea_id = db_read(
        lambda: make_idea(challenge_id, author.id, title="Lanterne sul Ticino", language="it")
    )

    def review():
        db.session.add(
            Review(
                idea_id=idea_id,
                expert_id=expert.id,
                heritage_value=4,
                feasibility=4,
                circularity=4,
                youth_involvement=4,
                replicability=4,
                assessment="ok",
                no_conflict=True,
            )
        )
        db.session.commit()

    db_read(review)
    return idea_id


def test_a_pilot_and_its_replications_take_the_idea_language(
    login_as, db_read, client, italian_idea_in_selection
):
    idea_id = italian_idea_in_selection
    rep, _ = login_as(Role.city_rep, "pavia")
    response = rep.post(
        f"/ideas/{idea_id}/decisions", data={"city": "pavia", "decision": "approve"}
    )
    pilot_id = new_id(response)
    assert row(db_read, Pilot, pilot_id).language == "it"

    rep.post(f"/pilots/{pilot_id}/status", data={"status": "running"})
    assert row(db_read, Pilot, pilot_id).status == PilotStatus.running
    turku, _ = login_as(Role.city_rep, "turku")
    copy_id = new_id(turku.post(f"/pilots/{pilot_id}/replicate"))
    assert row(db_read, Pilot, copy_id).language == "it", "a replication copies its origin"

    page = client.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    # (the timeline quotes it inside an interface sentence: "Idea submitted: …")
    assert languages_of(page, "Lanterne sul Ticino", exact=True) == {"it"}
    assert client.get(f"/api/v1/pilots/{pilot_id}").get_json()["language"] == "it"


def test_the_pilots_lists_filter_by_language(
    login_as, db_read, client, italian_idea_in_selection, make_user
):
    rep, _ = login_as(Role.city_rep, "pavia")
    rep.post(
        f"/ideas/{italian_idea_in_selection}/decisions",
        data={"city": "pavia", "decision": "approve"},
    )
    author = make_user(city="turku")
    other_challenge = db_read(lambda: make_challenge(lead="pavia", phase=Phase.selection))
    other_idea = db_read(
        lambda: make_idea(other_challenge, author.id, title="Valot satamaan", language="fi")
    )

    def finnish_pilot():
        idea = db.session.get(Idea, other_idea)
        db.session.add(
            Pilot(
                idea_id=idea.id,
                challenge_id=idea.challenge_id,
                city_id=author.city_id,
                language=idea.language,
            )
        )
        db.session.commit()

    db_read(finnish_pilot)

    def shown(query: str) -> set[str]:
        page = client.get(f"/pilots{query}").get_data(as_text=True)
        return {p for _, p in _pieces(page) if p in ("Lanterne sul Ticino", "Valot satamaan")}

    assert shown("?language=it") == {"Lanterne sul Ticino"}
    assert shown("?language=fi") == {"Valot satamaan"}
    assert shown("?language=unknown") == {"Lanterne sul Ticino", "Valot satamaan"}
    assert shown("") == {"Lanterne sul Ticino", "Valot satamaan"}
    page = client.get("/pilots?language=fi").get_data(as_text=True)
    assert languages_of(page, "Valot satamaan") == {"fi"}
    assert '<option value="fi" lang="fi" selected>Suomi</option>' in page

    api = client.get("/api/v1/pilots?language=fi").get_json()
    assert [(p["idea_id"], p["language"]) for p in api["items"]] == [(other_idea, "fi")]
    assert client.get("/api/v1/pilots?language=unknown").get_json()["total"] == 2


# --- lang on the pages ---------------------------------------------------------------------


def test_pages_mark_the_language_of_what_people_wrote(client, db_read, make_user):
    author = make_user(city="iasi")
    challenge_id = db_read(
        lambda: make_challenge(
            title="Lumini pe Copou",
            body="Un parc **istoric** în lumină.",
            language="ro",
        )
    )
    idea_id = db_read(
        lambda: make_idea(
            challenge_id,
            author.id,
            title="Felinare de hârtie",
            body="Făcute de elevi.",
            language="ro",
        )
    )
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert '<html lang="en">' in page, "the interface stays in English"
    assert languages_of(page, "Lumini pe Copou") == {"ro"}
    assert languages_of(page, "Summary of challenge") == {"ro"}
    assert languages_of(page, "istoric") == {"ro"}
    assert languages_of(page, "Felinare de hârtie") == {"ro"}, "the ideas list"
    assert languages_of(page, "Votes per member") == {"en"}

    listing = client.get("/challenges/").get_data(as_text=True)
    assert languages_of(listing, "Lumini pe Copou") == {"ro"}, "the challenge card"

    idea_page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert languages_of(idea_page, "Felinare de hârtie") == {"ro"}
    assert languages_of(idea_page, "Făcute de elevi.") == {"ro"}
    assert languages_of(idea_page, "Lumini pe Copou") == {"ro"}, "the challenge it answers"
    assert languages_of(idea_page, "Team") == {"en"}


# --- comments ------------------------------------------------------------------------------


@pytest.fixture
def idea_room(db_read, make_user):
    author = make_user(city="pavia")
    challenge_id = db_read(lambda: make_challenge(lead="pavia"))
    return db_read(lambda: make_idea(challenge_id, author.id))


def test_a_comment_takes_its_author_language_and_shows_it(login_as, db_read, client, idea_room):
    member, me = login_as(city="hildesheim")
    response = member.post(
        "/comments", data={"target_type": "idea", "target_id": idea_room, "body": "Gute Idee!"}
    )
    assert response.status_code == 302
    comment = db_read(lambda: db.session.scalar(sa.select(Comment)))
    assert comment.language == "de"
    page = client.get(f"/ideas/{idea_room}").get_data(as_text=True)
    assert languages_of(page, "Gute Idee!") == {"de"}

    member.post(f"/comments/{comment.id}/delete")
    page = client.get(f"/ideas/{idea_room}").get_data(as_text=True)
    assert languages_of(page, "This comment was deleted by its author.") == {"en"}, (
        "the notice is the interface's"
    )

    prefer(db_read, me, "it")
    member.post("/comments", data={"target_type": "idea", "target_id": idea_room, "body": "Bella"})
    languages = db_read(
        lambda: db.session.scalars(sa.select(Comment.language).order_by(Comment.id)).all()
    )
    assert languages == ["de", "it"]


def test_socket_comments_carry_their_language(login_as, socket_client, db_read, idea_room):
    member, _ = login_as(city="coimbra")
    socket = socket_client(member)
    viewer = socket_client()
    room = f"idea:{idea_room}"
    viewer.emit("join", {"room": room}, callback=True)
    ack = socket.emit("comment.create", {"room": room, "body": "Olá"}, callback=True)
    assert ack["ok"] is True and ack["comment"]["language"] == "pt"
    chosen = socket.emit(
        "comment.create", {"room": room, "body": "Hola", "language": "es"}, callback=True
    )
    assert chosen["comment"]["language"] == "es"
    received = [m["args"][0] for m in viewer.get_received() if m["name"] == "comment.created"]
    assert [c["language"] for c in received] == ["pt", "es"], "the broadcast carries it too"
    for bad in ("xx", 3, ["es"]):
        refused = socket.emit(
            "comment.create", {"room": room, "body": "?", "language": bad}, callback=True
        )
        assert refused["ok"] is False
        assert refused["error"]["fields"] == {"language": "Choose a language."}
    assert count(db_read, Comment) == 2


def test_api_comments_carry_their_language(client, make_user, db_read, idea_room):
    headers = token_for(client, make_user(city="besancon"))
    url = f"/api/v1/ideas/{idea_room}/comments"
    default = client.post(url, json={"body": "Bravo"}, headers=headers)
    assert default.status_code == 201 and default.get_json()["language"] == "fr"
    chosen = client.post(url, json={"body": "Bravo!", "language": "it"}, headers=headers)
    assert chosen.get_json()["language"] == "it"
    refused = client.post(url, json={"body": "?", "language": "xx"}, headers=headers)
    assert refused.status_code == 400
    assert error_of(refused)["fields"] == {"language": "Choose a language."}
    listed = client.get(url).get_json()["items"]
    assert [c["language"] for c in listed] == ["fr", "it"]
    assert count(db_read, Comment) == 2


def test_the_openapi_document_describes_the_language(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    for name in ("Challenge", "Idea", "Pilot", "Comment", "ChallengeInput"):
        assert schemas[name]["properties"]["language"]["enum"] == [
            "en",
            "it",
            "fr",
            "pt",
            "ro",
            "de",
            "es",
            "fi",
        ]
    for path in ("/challenges", "/challenges/{challenge_id}/ideas", "/pilots"):
        names = [p["name"] for p in doc["paths"][path]["get"]["parameters"]]
        assert "language" in names, path
    bodies = [
        doc["paths"]["/challenges/{challenge_id}/ideas"]["post"],
        doc["paths"]["/ideas/{idea_id}"]["patch"],
        doc["paths"]["/challenges/{challenge_id}"]["patch"],
        doc["paths"]["/ideas/{target_id}/comments"]["post"],
    ]
    for operation in bodies:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert "language" in schema["properties"]
