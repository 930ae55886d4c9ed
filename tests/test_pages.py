"""The public pages: home, partners, a city, challenges, and friendly error pages."""

from __future__ import annotations

import pytest

from livinglab.accounts.models import Role
from livinglab.challenges.models import Phase
from tests.factories import make_challenge
from tests.html import dangerous_markup


def test_home_shows_open_challenges_and_the_partners(app, client, db_read):
    db_read(lambda: make_challenge(title="Fresco adoption", cohosts=("coimbra",)))
    db_read(lambda: make_challenge(title="Hidden proposal", phase=Phase.proposed))
    page = client.get("/").get_data(as_text=True)
    assert "Fresco adoption" in page and "Hidden proposal" not in page
    for city in (
        "Pavia",
        "Grand Poitiers",
        "Coimbra",
        "Iași",
        "Besançon",
        "Hildesheim",
        "Salamanca",
        "Turku",
    ):
        assert city in page
    assert '<html lang="en">' in page


def test_partners_overview_lists_the_eight_municipalities(client):
    page = client.get("/cities/").get_data(as_text=True)
    for municipality in (
        "Comune di Pavia",
        "Grand Poitiers Communauté Urbaine",
        "Câmara Municipal de Coimbra",
        "Primăria Municipiului Iași",
        "Ville de Besançon",
        "Stadt Hildesheim",
        "Ayuntamiento de Salamanca",
        "Turun kaupunki",
    ):
        assert municipality in page


def test_a_city_page_shows_challenges_it_leads_or_cohosts(client, db_read, make_user):
    db_read(lambda: make_challenge(lead="pavia", cohosts=("coimbra",), title="Castle stables"))
    db_read(lambda: make_challenge(lead="coimbra", title="Student guardians"))
    db_read(lambda: make_challenge(lead="turku", title="Shipyard residencies"))
    rep = make_user(Role.city_rep, "coimbra", name="Rita Santos")
    page = client.get("/cities/coimbra").get_data(as_text=True)
    assert (
        "Castle stables" in page
        and "Student guardians" in page
        and "Shipyard residencies" not in page
    )
    assert "Rita Santos" in page and f"/members/{rep.id}" in page
    assert 'lang="pt"' in page


def test_unknown_city_is_a_friendly_404(client):
    response = client.get("/cities/atlantis")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_challenge_list_filters_by_phase_and_theme(client, db_read):
    db_read(lambda: make_challenge(title="Open one", themes=("financing",)))
    db_read(lambda: make_challenge(title="Voting one", phase=Phase.voting, themes=("governance",)))
    page = client.get("/challenges/?phase=voting").get_data(as_text=True)
    assert "Voting one" in page and "Open one" not in page
    page = client.get("/challenges/?theme=financing").get_data(as_text=True)
    assert "Open one" in page and "Voting one" not in page
    assert client.get("/challenges/?phase=nonsense&theme=<script>&page=-3").status_code == 200


def test_a_proposal_is_visible_only_to_its_proposer_and_deciders(
    app, client, login_as, db_read, make_user
):
    proposer = make_user(city="turku")
    challenge_id = db_read(
        lambda: make_challenge(lead="pavia", phase=Phase.proposed, proposer_id=proposer.id)
    )
    assert client.get(f"/challenges/{challenge_id}").status_code == 404
    other, _ = login_as(Role.participant, "pavia")
    assert other.get(f"/challenges/{challenge_id}").status_code == 404
    rep, _ = login_as(Role.city_rep, "pavia")
    assert rep.get(f"/challenges/{challenge_id}").status_code == 200
    mine = app.test_client()
    mine.post("/login", data={"email": proposer.email, "password": "correct horse battery"})
    assert mine.get(f"/challenges/{challenge_id}").status_code == 200


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
]


@pytest.mark.parametrize("payload", XSS)
def test_markdown_bodies_never_run_scripts(client, db_read, payload):
    challenge_id = db_read(
        lambda: make_challenge(body=f"Before {payload} after", title=f"T {payload}")
    )
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert dangerous_markup(page) == []
    assert "Before" in page and "after" in page, "the rest of the text survives"


def test_query_counts_stay_flat_as_data_grows(client, db_read, count_queries):
    def measure(path: str) -> int:
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        return counted.n

    db_read(lambda: make_challenge(cohosts=("coimbra",), themes=("financing", "governance")))
    small = {path: measure(path) for path in ("/", "/challenges/", "/cities/", "/cities/coimbra")}
    for _ in range(12):
        db_read(
            lambda: make_challenge(
                cohosts=("coimbra", "turku"), themes=("financing", "conservation")
            )
        )
    large = {path: measure(path) for path in small}
    assert large == small
    assert small["/challenges/"] <= 8, small


@pytest.mark.parametrize("path", ["/profile", "/notifications/", "/role-requests"])
def test_member_pages_send_anonymous_visitors_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_a_participant_on_an_admin_page_gets_a_friendly_403(login_as):
    client, _ = login_as()
    response = client.get("/role-requests")
    assert response.status_code == 403
    assert "You are not allowed to do this" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_friendly_500(app, client, monkeypatch):
    from livinglab.web import site as views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "render_template", broken)
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_a_non_numeric_id_is_404(client):
    assert client.get("/challenges/abc").status_code == 404
    assert client.get("/members/1e9").status_code == 404


def test_static_assets_are_local(client):
    page = client.get("/").get_data(as_text=True)
    assert "https://" not in page.split("<body>")[0]
    for asset in (
        "/static/css/app.css",
        "/static/vendor/socket.io/socket.io.min.js",
        "/static/js/app.js",
    ):
        response = client.get(asset)
        assert response.status_code == 200
        response.close()
