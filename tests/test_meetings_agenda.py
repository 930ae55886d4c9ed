"""Events (issue 18): the agenda's sessions with their speakers (members chosen by name, named
guests) and the items they are about, in the page and the API; the delegations in the API for
those who manage them; upcoming events on the pages of what they advance; and pages whose
queries do not grow with the agenda."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.challenges.models import Phase
from livinglab.extensions import db
from livinglab.meetings.models import AgendaItem, MeetingLink
from tests.factories import make_challenge
from tests.test_meetings import create, created_id, event_form
from tests.test_pilots import pilot, selected  # noqa: F401 - fixtures


def event_day() -> str:
    """The workshop's first day, read when the test runs: a value computed at collection
    would name another day once the run crosses midnight."""
    return event_form()["starts_at"][:10]


@pytest.fixture
def pavia(login_as):
    return login_as(Role.city_rep, "pavia")


@pytest.fixture
def workshop(pavia) -> int:
    rep, _ = pavia
    return created_id(create(rep))


def session(**overrides) -> dict:
    day = event_day()
    data = {
        "title": "Visit of the Broletto",
        "starts_at": f"{day}T09:30",
        "ends_at": f"{day}T12:00",
        "room": "Sala del Broletto",
        "guest_speakers": "Ana Guerra\n\n  Marco Rossi  ",
        "description": "Bring good shoes.",
    }
    data.update(
        {k: v.replace("{day}", day) if isinstance(v, str) else v for k, v in overrides.items()}
    )
    return data


def sessions(db_read) -> list[AgendaItem]:
    def read():
        found = list(db.session.scalars(sa.select(AgendaItem).order_by(AgendaItem.id)))
        for item in found:
            db.session.expunge(item)
        return found

    return db_read(read)


def session_links(db_read) -> list[tuple[int | None, str, int]]:
    return db_read(
        lambda: [
            (link.session_id, link.target_type, link.target_id)
            for link in db.session.scalars(sa.select(MeetingLink).order_by(MeetingLink.id))
        ]
    )


def test_a_session_names_member_and_guest_speakers_and_what_it_is_about(
    pavia, workshop, make_user, db_read, client
):
    rep, _ = pavia
    ines = make_user(city="coimbra", name="Inês Costa")
    challenge_id = db_read(lambda: make_challenge("pavia", title="A repair café"))
    form = rep.get(f"/events/{workshop}/agenda").get_data(as_text=True)
    assert '<optgroup label="Coimbra">' in form and "Inês Costa" in form
    response = rep.post(
        f"/events/{workshop}/agenda",
        data=session(speaker_ids=[str(ines.id)], challenge_ids=[str(challenge_id)]),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{workshop}/agenda")
    [item] = sessions(db_read)
    assert item.guest_speakers == "Ana Guerra\nMarco Rossi"
    assert session_links(db_read) == [(item.id, "challenge", challenge_id)]

    page = client.get(f"/events/{workshop}").get_data(as_text=True)
    agenda = page.split('id="agenda"', 1)[1].split("</section>", 1)[0]
    assert "Inês Costa" in agenda and "Ana Guerra, Marco Rossi" in agenda
    assert f'href="/members/{ines.id}"' in agenda and f'href="/challenges/{challenge_id}"' in agenda
    # A session's item is not among what the event itself advances (its own form keeps it).
    assert 'data-testid="advances"' not in page
    challenge_page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert f"/events/{workshop}" in challenge_page, "the challenge's page lists the event"

    api = client.get(f"/api/v1/events/{workshop}").get_json()
    [out] = api["agenda"]
    assert out["speakers"] == ["Inês Costa", "Ana Guerra", "Marco Rossi"]
    assert out["speaker_details"] == [
        {"member_id": ines.id, "name": "Inês Costa"},
        {"member_id": None, "name": "Ana Guerra"},
        {"member_id": None, "name": "Marco Rossi"},
    ]
    assert out["links"] == [{"type": "challenge", "id": challenge_id, "role": "advances"}]
    assert api["links"] == [], "the event's own links"


def test_a_session_is_changed_and_removed_with_its_links(pavia, workshop, make_user, db_read):
    rep, _ = pavia
    speaker = make_user(city="turku", name="Aino Virtanen")
    first, second = (db_read(lambda: make_challenge("pavia")) for _ in range(2))
    rep.post(f"/events/{workshop}/agenda", data=session(challenge_ids=[str(first)]))
    [item] = sessions(db_read)
    form = rep.get(f"/events/{workshop}/agenda/{item.id}/edit").get_data(as_text=True)
    assert 'value="Visit of the Broletto"' in form and f'<option value="{first}" selected' in form
    response = rep.post(
        f"/events/{workshop}/agenda/{item.id}/edit",
        data=session(
            title="Visit of the castle", speaker_ids=[str(speaker.id)], challenge_ids=[str(second)]
        ),
    )
    assert response.status_code == 302
    [changed] = sessions(db_read)
    assert changed.title == "Visit of the castle"
    assert session_links(db_read) == [(item.id, "challenge", second)]
    assert rep.post(f"/events/{workshop}/agenda/{item.id}/delete").status_code == 302
    assert sessions(db_read) == [] and session_links(db_read) == []
    assert rep.get(f"/events/{workshop}/agenda/{item.id}/edit").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"speaker_ids": ["999999"]}, "speaker_ids", "Choose speakers among the members."),
        ({"speaker_ids": ["Inês"]}, "speaker_ids", "Must be the id of an existing item"),
        ({"challenge_ids": ["proposed"]}, "challenge_ids", "Link only to published items"),
        ({"starts_at": "{day}T12:00"}, "ends_at", "The end must come after the start."),
        ({"starts_at": "2031-01-01T09:00", "ends_at": "2031-01-01T10:00"}, "starts_at", "within the event"),
        ({"title": ""}, "title", "This field is required."),
        ({"guest_speakers": "x" * 1001}, "guest_speakers", "Use at most 1000 characters."),
    ],
)  # fmt: skip
def test_bad_session_input_is_explained_at_its_field(
    pavia, workshop, db_read, make_user, overrides, field, message
):
    rep, _ = pavia
    if overrides.get("challenge_ids") == ["proposed"]:
        proposed = db_read(lambda: make_challenge("pavia", phase=Phase.proposed))
        overrides = {"challenge_ids": [str(proposed)]}
    response = rep.post(f"/events/{workshop}/agenda", data=session(**overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert 'value="Sala del Broletto"' in html, "what was typed stays"
    assert sessions(db_read) == [] and session_links(db_read) == []


def test_a_suspended_member_is_no_speaker_and_others_do_not_touch_the_agenda(
    pavia, workshop, make_user, login_as, db_read
):
    rep, _ = pavia
    suspended = make_user(city="iasi", suspended=True)
    response = rep.post(f"/events/{workshop}/agenda", data=session(speaker_ids=[str(suspended.id)]))
    assert response.status_code == 400 and sessions(db_read) == []
    turku, _ = login_as(Role.city_rep, "turku")
    assert turku.get(f"/events/{workshop}/agenda").status_code == 403
    assert turku.post(f"/events/{workshop}/agenda", data=session()).status_code == 403
    member, _ = login_as(Role.participant, "pavia")
    assert member.get(f"/events/{workshop}/agenda").status_code == 403
    assert sessions(db_read) == []


# --- Delegations in the API ------------------------------------------------------------------


def test_delegations_are_shown_to_organisers_and_to_their_city_s_representative(
    workshop, login_as, make_user, client, db_read
):
    from tests.test_api import token_for

    salamanca, salamanca_rep = login_as(Role.city_rep, "salamanca")
    lucia = make_user(city="salamanca", name="Lucía Pérez")
    salamanca.post(
        f"/events/{workshop}/delegation", data={"members": [str(lucia.id)], "guests": "Ana Guerra"}
    )
    turku, _ = login_as(Role.city_rep, "turku")
    turku.post(f"/events/{workshop}/delegation", data={"guests": "Elias Laine"})

    def delegations(user):
        headers = token_for(client, user) if user is not None else {}
        return (
            client.get(f"/api/v1/events/{workshop}", headers=headers).get_json().get("delegations")
        )

    for organiser in (make_user(Role.city_rep, "pavia"), make_user(Role.city_rep, "coimbra")):
        every = delegations(organiser)
        assert [d["city"] for d in every] == ["salamanca", "turku"]
        assert [(m["name"], m["member_id"]) for m in every[0]["members"]] == [
            ("Ana Guerra", None),
            ("Lucía Pérez", lucia.id),
        ]
    assert [d["city"] for d in delegations(salamanca_rep)] == ["salamanca"]
    assert delegations(make_user(Role.city_rep, "iasi")) == [], "a city without a delegation"
    assert delegations(make_user(Role.participant, "salamanca")) is None
    assert delegations(None) is None
    listing = client.get("/api/v1/events", headers=token_for(client, organiser)).get_json()
    assert "delegations" not in listing["items"][0], "the event's own address only"


# --- Where upcoming events show, and what pages cost -----------------------------------------


@pytest.fixture
def pilot_id(request) -> int:
    """A pilot of Pavia (approved by tests.test_pilots' fixture)."""
    return request.getfixturevalue("pilot")[0]


def test_an_event_shows_on_the_pages_of_the_pilot_and_city_it_is_about(
    pavia, pilot_id, client, db_read
):
    rep, _ = pavia
    assert "/events/" not in client.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    linked = created_id(create(rep, title="Pilot kick-off", pilot_ids=[str(pilot_id)]))
    page = client.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    assert f"/events/{linked}" in page and 'data-testid="upcoming-events"' in page
    for path in ("/", "/cities/pavia", "/cities/coimbra"):
        assert f"/events/{linked}" in client.get(path).get_data(as_text=True), path
    rep.post(f"/events/{linked}/cancel", data={"reason": "Postponed."})
    assert f"/events/{linked}" not in client.get(f"/pilots/{pilot_id}").get_data(as_text=True)


def test_the_event_and_agenda_pages_stay_flat_as_the_agenda_grows(
    pavia, workshop, make_user, db_read, count_queries, login_as
):
    rep, _ = pavia

    def measure(client, path):
        with count_queries() as counted:
            assert client.get(path).status_code == 200, path
        return counted.n

    def add_session(n: int):
        speakers = [str(make_user(city=c).id) for c in ("coimbra", "turku")]
        linked = [str(db_read(lambda: make_challenge("pavia"))) for _ in range(2)]
        rep.post(
            f"/events/{workshop}/agenda",
            data=session(title=f"Session {n}", speaker_ids=speakers, challenge_ids=linked),
        )
        member, _ = login_as(Role.participant, "iasi")
        member.post(f"/events/{workshop}/register")

    add_session(0)
    paths = (f"/events/{workshop}", f"/events/{workshop}/agenda", f"/api/v1/events/{workshop}")
    small = {p: measure(rep, p) for p in paths}
    for n in range(1, 4):
        add_session(n)
    assert len(sessions(db_read)) == 4
    assert {p: measure(rep, p) for p in paths} == small
