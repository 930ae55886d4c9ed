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


def test_a_visitor_without_a_language_reads_a_city_page_in_the_city_s_language(client):
    assert lang_of(client.get("/cities/turku")) == "fi"
    assert lang_of(client.get("/cities/iasi")) == "ro"
    assert lang_of(client.get("/cities/turku", headers={"Accept-Language": "de"})) == "de"
    assert lang_of(client.get("/cities/nowhere")) == "en"
    assert lang_of(client.get("/cities/")) == "en", "only a city's own page"


def test_unknown_codes_everywhere_fall_back_cleanly(client, login_as, db_read):
    member, user = login_as()

    def set_language():
        db.session.get(User, user.id).preferred_language = "xx-YY"
        db.session.commit()

    db_read(set_language)
    member.set_cookie("lang", "zz")
    response = member.get("/", headers={"Accept-Language": "qq;q=1.0, *;q=0.1"})
    assert response.status_code == 200 and lang_of(response) == "en"


def test_relative_times_follow_the_reader_s_language(app):
    from datetime import timedelta

    from livinglab.database import utcnow
    from livinglab.web.filters import time_ago

    three_minutes_ago = utcnow() - timedelta(minutes=3, seconds=5)
    expected = {"en": "3 minutes ago", "fr": "il y a 3 minutes", "de": "vor 3 Minuten"}
    for lang, text in expected.items():
        with app.test_request_context(headers={"Accept-Language": lang}):
            assert time_ago(three_minutes_ago) == text


def test_times_follow_the_reader_s_time_zone(app, make_user):
    from datetime import UTC, datetime

    from flask_babel import format_datetime, refresh
    from flask_login import login_user

    noon_utc = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)

    def shown(cookie=None, user=None):
        headers = {"Cookie": f"tz={cookie}"} if cookie else {}
        with app.test_request_context(headers=headers):
            if user is not None:
                login_user(db.session.get(User, user.id))
            refresh()
            return format_datetime(noon_utc, "HH:mm")

    assert shown() == "14:00", "the platform's default zone (Brussels, summer time)"
    assert shown("America/Montreal") == "08:00", "the browser's zone"
    assert shown("Not/AZone") == "14:00" and shown("../../etc/passwd") == "14:00"
    assert shown(user=make_user(city="turku")) == "15:00", "a Turku member reads Helsinki time"
    assert shown("Europe/Lisbon", user=make_user(city="turku")) == "13:00"


def test_partner_countries_are_named_in_the_reader_s_language(client):
    page = client.get("/cities/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Italien" in page and "Rumänien" in page and "Finnland" in page
    page = client.get("/cities/coimbra", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert "Portugali" in page
    form = client.get("/register", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Turku (Finlande)" in form


def _in(app, lang: str, text: str) -> str:
    """The catalogue's translation of a source text, checked to differ from the English."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(lang):
        translated = gettext(text)
    assert translated != text, f"no {lang} translation of {text!r}"
    return translated


def test_api_errors_speak_the_client_s_language(app, client):
    response = client.get("/api/v1/me", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == _in(app, "de", "Please sign in first.")


def test_socket_acknowledgements_speak_the_reader_s_language(app, socket_client):
    from livinglab.extensions import socketio

    socket_client()  # binds the handlers
    client = socketio.test_client(app, headers={"Accept-Language": "pt-PT,pt"})
    ack = client.emit("comment.create", {"room": "idea:1", "body": "Olá"}, callback=True)
    client.disconnect()
    assert ack["error"]["message"] == _in(app, "pt", "Please sign in first.")


def test_form_errors_and_flashes_speak_the_reader_s_language(app, client, login_as):
    page = client.post("/login", data={}, headers={"Accept-Language": "ro"}).get_data(as_text=True)
    assert "Acest câmp este obligatoriu." in page, "WTForms' own messages are translated too"
    member, _ = login_as()
    member.post("/language", data={"language": "fi"})
    page = member.get("/profile").get_data(as_text=True)
    assert _in(app, "fi", "My profile") in page
