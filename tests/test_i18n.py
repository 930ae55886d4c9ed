"""Choosing the language: member's choice, switcher cookie, browser, English."""

from __future__ import annotations

import sqlalchemy as sa

from livinglab.accounts.models import User
from livinglab.extensions import db


def lang_of(response) -> str:
    return response.get_data(as_text=True).split('<html lang="')[1].split('"')[0]


def test_english_by_default(client):
    assert lang_of(client.get("/")) == "en"


def test_the_browser_language_is_followed(client):
    assert lang_of(client.get("/", headers={"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"})) == "fi"


def test_an_unknown_browser_language_falls_back_to_english(client):
    assert lang_of(client.get("/", headers={"Accept-Language": "tlh, xx-YY;q=0.8"})) == "en"


def test_the_switcher_remembers_the_choice(client):
    response = client.post("/language", data={"language": "ro", "next": "/cities/"})
    assert response.status_code == 302 and response.headers["Location"] == "/cities/"
    assert "lang=ro" in response.headers["Set-Cookie"]
    assert lang_of(client.get("/", headers={"Accept-Language": "de"})) == "ro"


def test_the_switcher_refuses_unknown_languages_and_foreign_redirects(client):
    assert client.post("/language", data={"language": "xx"}).status_code == 400
    response = client.post("/language", data={"language": "it", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_a_bad_language_cookie_falls_back(client):
    client.set_cookie("lang", "../../etc")
    assert lang_of(client.get("/")) == "en"


def test_a_member_s_choice_is_saved_in_the_profile(login_as, db_read):
    client, user = login_as()
    client.post("/language", data={"language": "es"})
    assert (
        db_read(
            lambda: db.session.scalar(sa.select(User.preferred_language).where(User.id == user.id))
        )
        == "es"
    )
    client.delete_cookie("lang")
    assert lang_of(client.get("/")) == "es"
