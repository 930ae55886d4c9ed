"""Onboarding: the terms and privacy notice accepted at registration and asked again when a new
version exists, the welcome page for each profile, and the texts linked from every page."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import ProfileKind, Role, User
from livinglab.extensions import db
from livinglab.onboarding import documents
from livinglab.onboarding.models import TermsAcceptance
from tests.conftest import PASSWORD
from tests.factories import make_challenge

FORM = {
    "email": "Aino.Virtanen@Example.fi",
    "display_name": "Aino",
    "password": "saaristomeren-laivat",
    "confirm_password": "saaristomeren-laivat",
    "city": "turku",
    "profile_kind": "student",
    "preferred_language": "",
    "accept_terms": "y",
}


def acceptances(db_read, email: str) -> list[tuple[str, str]]:
    return db_read(
        lambda: [
            (row.terms_version, row.privacy_version)
            for row in db.session.scalars(
                sa.select(TermsAcceptance)
                .join(User, User.id == TermsAcceptance.user_id)
                .where(User.email == email.lower())
                .order_by(TermsAcceptance.id)
            )
        ]
    )


@pytest.fixture
def publish_new_version(monkeypatch):
    """``publish_new_version()``: a new version of the terms of use; returns the versions."""

    def publish():
        terms = documents.Document("terms", "2027-03-01", date(2027, 3, 1))
        monkeypatch.setattr(documents, "TERMS", terms)
        return documents.current_versions()

    return publish


# --- At registration -----------------------------------------------------------------------


def test_registering_records_the_current_versions_and_welcomes_the_newcomer(client, db_read):
    response = client.post("/register", data=FORM)
    assert response.status_code == 302 and response.headers["Location"] == "/welcome"
    assert acceptances(db_read, FORM["email"]) == [documents.current_versions()]
    page = client.get("/welcome").get_data(as_text=True)
    assert 'data-testid="welcome-student"' in page and "Find a challenge" in page
    assert "Confirm your email address" in page, "an unconfirmed address is the first step"


def test_without_the_box_ticked_nobody_is_registered_and_nothing_typed_is_lost(client, db_read):
    response = client.post("/register", data={**FORM, "accept_terms": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="accept_terms-error"' in page
    assert "Accept the terms of use and the privacy notice to join." in page
    assert 'value="Aino.Virtanen@Example.fi"' in page and 'value="Aino"' in page
    assert (
        db_read(lambda: db.session.scalar(sa.select(User).where(User.email.like("aino%")))) is None
    )


def test_the_registration_form_links_both_texts_in_a_new_tab(client):
    page = client.get("/register").get_data(as_text=True)
    assert 'href="/terms" target="_blank" rel="noopener"' in page
    assert 'href="/privacy" target="_blank" rel="noopener"' in page


@pytest.mark.parametrize(
    ("choice", "profile", "expected"),
    [
        ("student", ProfileKind.student, "Find a challenge"),
        ("young_artist", ProfileKind.young_artist, "Meet the partners"),
        ("other", ProfileKind.other, "Follow your city's challenges"),
        ("expert", ProfileKind.other, "Ask for the expert role"),
        ("city_rep", ProfileKind.other, "Ask for the city representative role"),
    ],
)
def test_the_welcome_says_what_to_do_first_for_each_profile(
    client, db_read, choice, profile, expected
):
    response = client.post("/register", data={**FORM, "profile_kind": choice})
    assert response.headers["Location"] == "/welcome"
    user = db_read(
        lambda: db.session.scalar(sa.select(User).where(User.email == FORM["email"].lower()))
    )
    assert user.role == Role.participant and user.profile_kind == profile
    page = client.get("/welcome").get_data(as_text=True)
    assert f'data-testid="welcome-{choice}"' in page and expected in page
    if choice in ("expert", "city_rep"):  # the request form, its role chosen already
        assert 'data-testid="welcome-role-form"' in page
        assert f'<option selected value="{choice}">' in page
    else:
        assert 'data-testid="welcome-role-form"' not in page


def test_a_granted_role_has_its_own_welcome(login_as):
    expert, _ = login_as(Role.expert)
    page = expert.get("/welcome").get_data(as_text=True)
    assert 'data-testid="welcome-expert"' in page and "Open your review queue" in page
    assert 'data-testid="welcome-role-form"' not in page
    rep, _ = login_as(Role.city_rep)
    assert "Publish the proposals of your city" in rep.get("/welcome").get_data(as_text=True)
    admin, _ = login_as(Role.admin)
    assert 'data-testid="welcome-admin"' in admin.get("/welcome").get_data(as_text=True)


def test_the_wish_said_at_registration_belongs_to_that_member_only(client, login_as):
    client.post("/register", data={**FORM, "profile_kind": "expert"})
    client.post("/logout")
    other = login_as(kind=ProfileKind.young_artist)[1]
    client.post("/login", data={"email": other.email, "password": PASSWORD})
    assert 'data-testid="welcome-young_artist"' in client.get("/welcome").get_data(as_text=True)


# --- A new version -------------------------------------------------------------------------


def test_a_new_version_is_asked_at_the_next_sign_in_before_going_on(
    client, make_user, db_read, publish_new_version
):
    member = make_user(city="coimbra")
    new_version = publish_new_version()
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/consent")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="consent"' in page and "have a new version" in page
    assert "March 1, 2027" in page
    accepted = client.post("/consent?next=/activity", data={"accept": "y"})
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/activity"
    assert acceptances(db_read, member.email)[-1] == new_version
    assert client.get("/activity").status_code == 200


def test_refusing_keeps_the_member_out_of_member_pages_but_lets_them_sign_out(
    client, make_user, db_read, publish_new_version
):
    member = make_user(city="pavia")
    new_version = publish_new_version()
    challenge = db_read(lambda: make_challenge(lead="pavia"))
    client.post("/login", data={"email": member.email, "password": PASSWORD})
    refused = client.post("/consent", data={})
    assert refused.status_code == 400
    assert 'id="accept-error"' in refused.get_data(as_text=True)
    for path in ("/", "/activity", "/profile", "/notifications/", f"/challenges/{challenge}"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/consent?next="), path
    posted = client.post(
        "/comments", data={"target_type": "challenge", "target_id": challenge, "body": "Hi"}
    )
    assert posted.status_code == 303 and posted.headers["Location"] == "/consent"
    for path in ("/terms", "/privacy", "/profile/data.json", "/profile/delete"):
        assert client.get(path).status_code == 200, path
    assert acceptances(db_read, member.email) != [] and new_version not in acceptances(
        db_read, member.email
    )
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 200, "signed out, the public pages are open again"
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_the_answer_is_kept_per_member_not_per_browser(client, make_user, publish_new_version):
    accepted, not_yet = make_user(), make_user()
    publish_new_version()
    client.post("/login", data={"email": accepted.email, "password": PASSWORD})
    client.post("/consent", data={"accept": "y"})
    assert client.get("/activity").status_code == 200
    client.post("/logout")
    response = client.post("/login", data={"email": not_yet.email, "password": PASSWORD})
    assert response.headers["Location"].startswith("/consent")
    assert client.get("/activity").status_code == 302


def test_a_member_registered_through_the_api_is_asked_at_the_first_sign_in(client, db_read):
    body = {k: FORM[k] for k in ("email", "password", "display_name", "city", "profile_kind")}
    assert client.post("/api/v1/users", json=body).status_code == 201
    assert acceptances(db_read, FORM["email"]) == []
    response = client.post("/login", data={"email": FORM["email"], "password": FORM["password"]})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "To use your account, please read the terms" in page


def test_api_clients_are_not_stopped_by_the_gate(client, db_read, make_user):
    member = make_user(accepted_terms=False)
    token = client.post("/api/v1/tokens", json={"email": member.email, "password": PASSWORD})
    assert token.status_code == 201
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.get_json()['token']}"})
    assert me.status_code == 200


def test_once_accepted_no_page_asks_the_database_again(client, make_user, count_queries):
    member = make_user()
    client.post("/login", data={"email": member.email, "password": PASSWORD})
    with count_queries() as counted:
        assert client.get("/search").status_code == 200
        assert client.get("/activity").status_code == 200
    assert not [s for s in counted.statements if "terms_acceptance" in s]


# --- The texts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "heading", "must_say"),
    [
        ("/terms", "Terms of use", ["Be respectful", "Moderation", "delete your account"]),
        (
            "/privacy",
            "Privacy notice",
            ["What we keep, and why", "How long", "Your rights", "Contact", "Download my data"],
        ),
    ],
)
def test_the_texts_are_pages_with_their_version(client, path, heading, must_say):
    page = client.get(path).get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page and "Version of December 1, 2026" in page
    for text in must_say:
        assert text in page, text


def test_every_page_links_both_texts_in_its_footer(client, login_as):
    member, _ = login_as()
    for page in (client.get("/"), member.get("/activity")):
        footer = page.get_data(as_text=True).split('<footer class="site-footer">', 1)[1]
        assert 'href="/terms"' in footer and 'href="/privacy"' in footer


def test_the_privacy_notice_names_its_contact_when_configured(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT", "dpo@livinglab.example")
    assert "dpo@livinglab.example" in client.get("/privacy").get_data(as_text=True)
