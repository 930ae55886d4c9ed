"""Writing aids: the Markdown preview (the server's own rendering), the member search of the
pickers (names and cities, never addresses), @mention suggestions among those taking part, and
co-authors chosen by id with every refusal at the field."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, Idea, InvitationStatus
from livinglab.text import render_markdown
from tests.factories import make_challenge, make_idea
from tests.html import dangerous_markup

SAMPLE = """# Title from a member

Some **bold**, some *italic*, a [link](https://example.org "site") and `code`.

- one
- two

> a quote

| a | b |
|---|--:|
| 1 | 2 |

<script>alert(1)</script> <img src=x onerror=alert(1)> [bad](javascript:alert(1))
"""


def preview(client, text, **headers):
    return client.post("/writing/preview", data={"text": text}, headers=headers)


# ---- The preview ---------------------------------------------------------------------------


def test_the_preview_is_the_server_s_own_rendering(login_as, app):
    client, _ = login_as()
    response = preview(client, SAMPLE)
    assert response.status_code == 200
    html = response.get_json()["html"]
    with app.app_context():
        assert html == str(render_markdown(SAMPLE))
    assert "<strong>bold</strong>" in html and "<blockquote>" in html and "<table>" in html
    assert "<h3>Title from a member</h3>" in html  # demoted below the page's own headings
    assert (
        dangerous_markup(html) == [] and 'href="javascript:' not in html and "<script" not in html
    )


def test_the_preview_matches_what_the_idea_page_shows(login_as, db_read):
    client, me = login_as()
    challenge_id = db_read(lambda: make_challenge())
    idea_id = db_read(lambda: make_idea(challenge_id, me.id))
    db_read(lambda: _set_body(idea_id, SAMPLE))
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    shown = re.search(
        r'<div class="prose" lang="\w+">(.*?)</div>\s*(?:<section|<div class="actions")', page, re.S
    )
    assert shown is not None
    assert shown.group(1) == preview(client, SAMPLE).get_json()["html"]


def _set_body(idea_id: int, body: str) -> None:
    db.session.get(Idea, idea_id).body = body
    db.session.commit()


def test_visitors_get_no_preview(client):
    response = preview(client, "**hi**")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"]
    assert "html" not in response.get_json()
    assert client.get("/writing/preview").status_code == 405


def test_the_preview_needs_the_csrf_token(login_as, app, monkeypatch):
    client, _ = login_as()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert preview(client, "**hi**").status_code == 400
    page = client.get("/challenges/").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = preview(client, "**hi**", **{"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["html"] == "<p><strong>hi</strong></p>\n"


def test_a_text_over_the_limit_is_refused_whole(login_as):
    client, _ = login_as()
    assert preview(client, "a" * 50_000).status_code == 200
    response = preview(client, "a" * 50_001)
    assert response.status_code == 413
    assert "50000" in response.get_json()["error"]["fields"]["text"].replace(",", "")


def test_previews_are_rate_limited_per_member(login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_WRITING_AIDS", "3 per minute")
    client, _ = login_as()
    assert [preview(client, "x").status_code for _ in range(4)] == [200, 200, 200, 429]
    other, _ = login_as(city="turku")
    assert preview(other, "x").status_code == 200


# ---- The member search ---------------------------------------------------------------------


def search(client, **args):
    return client.get("/members/search", query_string=args)


def test_the_search_finds_names_and_cities_and_never_shows_an_address(login_as, make_user):
    client, me = login_as(city="pavia", name="Searching Sofia")
    anna = make_user(city="turku", name="Anna Virtanen", email="anna.secret@example.fi")
    make_user(city="iasi", name="Anna Popescu", email="popescu.secret@example.ro")
    make_user(city="turku", name="Mikko Laine", email="mikko.secret@example.fi")
    make_user(city="turku", name="Anna Suspended", suspended=True)
    response = search(client, q="anna")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "@" not in body and "secret" not in body and "example" not in body
    members = response.get_json()["members"]
    assert [m["name"] for m in members] == ["Anna Popescu", "Anna Virtanen"]
    assert set(members[1]) == {"id", "name", "mention", "city"}
    assert members[1] == {
        "id": anna.id,
        "name": "Anna Virtanen",
        "mention": "AnnaVirtanen",
        "city": {"slug": "turku", "name": "Turku"},
    }
    # By city: the filter, or a word of the city's name.
    assert [m["name"] for m in search(client, q="anna", city="turku").get_json()["members"]] == [
        "Anna Virtanen"
    ]
    assert [m["name"] for m in search(client, q="turku").get_json()["members"]] == [
        "Anna Virtanen",
        "Mikko Laine",
    ]
    assert [m["name"] for m in search(client, q="anna turku").get_json()["members"]] == [
        "Anna Virtanen"
    ]
    # Never oneself; a LIKE wildcard is a letter like any other.
    assert search(client, q="Sofia").get_json()["members"] == []
    assert search(client, q="%").get_json()["members"] == []


def test_the_search_is_for_members_only(client):
    response = search(client, q="anna")
    assert response.status_code == 401
    assert "members" not in response.get_json()


def test_the_search_is_paginated_by_ten(login_as, make_user):
    client, _ = login_as()
    made = {make_user(city="coimbra", name=f"Zelda {n:02d}").id for n in range(12)}
    first = search(client, q="zelda").get_json()
    second = search(client, q="zelda", page=2).get_json()
    assert (len(first["members"]), first["has_more"], first["page"]) == (10, True, 1)
    assert (len(second["members"]), second["has_more"], second["page"]) == (2, False, 2)
    assert {m["id"] for m in first["members"] + second["members"]} == made
    assert search(client, q="zelda", page="x").get_json()["page"] == 1


def test_the_search_is_rate_limited(login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_MEMBER_SEARCH", "2 per minute")
    client, _ = login_as()
    assert [search(client, q="a").status_code for _ in range(3)] == [200, 200, 429]


def test_the_search_costs_the_same_queries_for_many_members(login_as, make_user, count_queries):
    client, _ = login_as()
    make_user(city="turku", name="Ulla One")

    def measure() -> int:
        with count_queries() as counted:
            assert search(client, q="ulla").status_code == 200
        return counted.n

    few = measure()
    for city in ("iasi", "besancon", "hildesheim", "salamanca", "pavia", "coimbra"):
        make_user(city=city, name=f"Ulla of {city}")
    assert measure() == few


# ---- @mention suggestions ------------------------------------------------------------------


def test_mentions_suggest_only_those_taking_part(login_as, make_user, db_read):
    author = make_user(city="turku", name="Aino Virtanen")
    challenge_id = db_read(lambda: make_challenge())
    idea_id = db_read(lambda: make_idea(challenge_id, author.id))
    speaker, _ = login_as(city="iasi", name="Ioana Pop")
    speaker.post("/comments", data={"target_type": "idea", "target_id": idea_id, "body": "Hi"})
    make_user(city="turku", name="Aino Outsider")
    client, _ = login_as(city="pavia", name="Paolo Rossi")
    room = f"idea:{idea_id}"

    def names(q: str) -> list[str]:
        response = client.get("/writing/mentions", query_string={"room": room, "q": q})
        assert response.status_code == 200
        assert "@" not in response.get_data(as_text=True)
        return [m["name"] for m in response.get_json()["members"]]

    assert names("") == ["Aino Virtanen", "Ioana Pop"]
    assert names("aino") == ["Aino Virtanen"]
    assert names("AinoVi") == ["Aino Virtanen"]  # typed as a mention: without the space
    assert names("pop") == ["Ioana Pop"]
    assert names("outsider") == []
    assert client.get("/writing/mentions", query_string={"room": "idea:424242"}).status_code == 404
    assert client.get("/writing/mentions", query_string={"room": "nope"}).status_code == 404
    visitor = client.application.test_client()
    assert visitor.get("/writing/mentions", query_string={"room": room}).status_code == 401


# ---- Co-authors chosen by id ---------------------------------------------------------------

IDEA = {"title": "Night walks", "summary": "Students guide night walks.", "body": "Lanterns."}


def submit(client, challenge_id: int, **changes):
    return client.post(
        f"/challenges/{challenge_id}/ideas/new",
        data={**IDEA, **changes},
        content_type="multipart/form-data",
    )


def idea_count(db_read) -> int:
    return db_read(lambda: db.session.scalar(sa.select(sa.func.count(Idea.id))))


def test_a_chosen_member_is_invited_by_id(login_as, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge())
    client, _ = login_as()
    partner = make_user(city="iasi", name="Ioana Pop", email="ioana.hidden@example.ro")
    response = submit(client, challenge_id, coauthors=[str(partner.id)])
    assert response.status_code == 302
    idea_id = int(response.headers["Location"].rsplit("/", 1)[1])
    invited = db_read(lambda: db.session.get(Coauthor, (idea_id, partner.id)))
    assert invited.status == InvitationStatus.invited
    edit = client.get(f"/ideas/{idea_id}/edit").get_data(as_text=True)
    assert "ioana.hidden" not in edit and "data-member-picker" in edit


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (lambda me, other: ["999999"], "This member cannot be found: choose one from the list."),
        (lambda me, other: [str(me.id)], "You are already an author of this idea"),
        (lambda me, other: [str(other.id)], "This member cannot be found"),  # suspended
        (lambda me, other: ["abc"], "Choose members from the list."),
    ],
)
def test_a_bad_choice_is_explained_at_the_field_and_nothing_is_written(
    login_as, make_user, db_read, chosen, message
):
    challenge_id = db_read(lambda: make_challenge())
    client, me = login_as()
    suspended = make_user(city="turku", suspended=True)
    response = submit(client, challenge_id, coauthors=chosen(me, suspended))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="field-error" id="coauthors-error">([^<]*)</p>', page)
    assert error is not None and message in error.group(1)
    assert 'aria-describedby="coauthors-hint coauthors-error"' in page
    assert 'value="Night walks"' in page  # what was typed is kept
    assert idea_count(db_read) == 0


def test_without_scripts_find_members_lists_them_to_tick(login_as, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge())
    client, _ = login_as()
    partner = make_user(city="iasi", name="Ioana Pop", email="ioana.hidden@example.ro")
    already = make_user(city="turku", name="Aino Virtanen")
    response = submit(
        client,
        challenge_id,
        coauthors=[str(already.id)],
        coauthor_query="ioana",
        find_coauthors="1",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'name="coauthors" value="{partner.id}">' in page  # found, to tick
    assert f'name="coauthors" value="{already.id}" checked>' in page  # chosen before, kept
    assert "ioana.hidden" not in page and 'value="Night walks"' in page
    assert idea_count(db_read) == 0


# ---- The forms carry the aids --------------------------------------------------------------


def test_the_forms_ask_for_the_writing_aids(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge())
    client, me = login_as()
    form = client.get(f"/challenges/{challenge_id}/ideas/new").get_data(as_text=True)
    assert re.search(r"<textarea[^>]*data-markdown[^>]*name=\"body\"", form)
    assert "data-confirm=" in form and "js/pickers.js" in form and 'id="writing-aids"' in form
    idea_id = db_read(lambda: make_idea(challenge_id, me.id))
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert re.search(r'<form[^>]*action="/ideas/\d+/withdraw"[^>]*data-confirm="', page)
    assert f'data-draft="comment:{me.id}:idea:{idea_id}"' in page
    assert f'data-mentions="/writing/mentions?room=idea:{idea_id}"' in page
    assert "data-preview-url=" in page
