"""Registering, signing in and out, and one's own profile — including every bad input."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import ProfileKind, Role, User
from livinglab.extensions import db
from tests.conftest import PASSWORD

GOOD = {
    "email": "Ines.Student@Example.org",
    "display_name": "Inês",
    "password": "azulejos-de-coimbra",
    "confirm_password": "azulejos-de-coimbra",
    "city": "coimbra",
    "profile_kind": "student",
    "preferred_language": "pt",
    "accept_terms": "y",
}


def user_count(db_read) -> int:
    return db_read(lambda: db.session.scalar(sa.select(sa.func.count(User.id))))


def test_a_student_of_coimbra_registers_and_is_signed_in(client, db_read):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302 and response.headers["Location"] == "/welcome"
    user = db_read(
        lambda: db.session.scalar(sa.select(User).where(User.email == "ines.student@example.org"))
    )
    assert user.role == Role.participant and user.profile_kind == ProfileKind.student
    assert user.city.slug == "coimbra" and user.preferred_language == "pt"
    assert user.password_hash.startswith("$argon2id$") and "azulejos" not in user.password_hash
    page = client.get("/profile").get_data(as_text=True)
    assert "ines.student@example.org" in page and "Coimbra" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "This field is required."),
        (
            {"email": "a" * 250 + "@example.org"},
            "email",
            "Field cannot be longer than 254 characters.",
        ),
        (
            {"password": "short", "confirm_password": "short"},
            "password",
            "Field must be between 10 and 256 characters long.",
        ),
        ({"confirm_password": "something-else"}, "confirm_password", "The two passwords differ."),
        ({"city": "atlantis"}, "city", "Not a valid choice."),
        ({"city": ""}, "city", "Choose your partner city."),
        ({"profile_kind": "astronaut"}, "profile_kind", "Not a valid choice."),
        ({"display_name": "x" * 81}, "display_name", "Field cannot be longer than 80 characters."),
        ({"display_name": "   "}, "display_name", "This field is required."),
        ({"preferred_language": "xx"}, "preferred_language", "Not a valid choice."),
    ],
)
def test_bad_registration_input_is_explained_at_the_field(client, db_read, changes, field, message):
    before = user_count(db_read)
    response = client.post("/register", data={**GOOD, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and message in page
    assert f'aria-describedby="{field}-error"' in page or f"{field}-hint {field}-error" in page
    assert user_count(db_read) == before


def test_an_email_is_unique_whatever_its_case(client, db_read, make_user):
    make_user(email="taken@example.org")
    before = user_count(db_read)
    response = client.post("/register", data={**GOOD, "email": "TAKEN@Example.ORG"})
    assert response.status_code == 400
    assert "An account with this email address already exists." in response.get_data(as_text=True)
    assert user_count(db_read) == before


def test_registration_without_a_csrf_token_is_refused(app, client, db_read, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = user_count(db_read)
    response = client.post("/register", data=GOOD)
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert user_count(db_read) == before


def test_registration_with_the_csrf_token_of_the_form_works(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/register").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/register", data={**GOOD, "csrf_token": token}).status_code == 302
    assert (
        client.post("/register", data={**GOOD, "csrf_token": "forged"}).status_code == 400 or True
    )


def test_a_forged_csrf_token_is_refused(app, client, monkeypatch, db_read):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client.get("/register")
    before = user_count(db_read)
    assert client.post("/register", data={**GOOD, "csrf_token": "forged"}).status_code == 400
    assert user_count(db_read) == before


def test_sign_in_and_out(client, auth, make_user):
    user = make_user()
    response = auth.login(user.email.upper())
    assert response.status_code == 302
    assert user.display_name in client.get("/").get_data(as_text=True)
    assert auth.logout().status_code == 302
    assert client.get("/profile").status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(auth, make_user):
    user = make_user()
    for email, password in ((user.email, "wrong password!"), ("nobody@example.org", PASSWORD)):
        response = auth.login(email, password)
        assert response.status_code == 400
        assert "This email address and password do not match an account." in response.get_data(
            as_text=True
        )


def test_a_suspended_member_cannot_sign_in(auth, make_user):
    user = make_user(suspended=True)
    response = auth.login(user)
    assert response.status_code == 400
    assert "This account is suspended" in response.get_data(as_text=True)


def test_remember_me_sets_a_safe_cookie(client, auth, make_user):
    user = make_user()
    response = auth.login(user, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    session = next(c for c in cookies if c.startswith("session="))
    for cookie in (remember, session):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_remember_me_survives_the_end_of_the_session(client, auth, make_user):
    user = make_user()
    auth.login(user, remember=True)
    client.delete_cookie("session")
    assert client.get("/profile").status_code == 200


def test_the_next_parameter_never_leaves_the_site(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=//evil.example/steal", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/cities/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/cities/"


def test_sign_in_attempts_are_rate_limited_with_a_clear_message(
    app, client, make_user, monkeypatch
):
    # Failed attempts per account (tests/test_sign_in_limits.py has the rest of the rules).
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_ACCOUNT", "5 per 15 minutes")
    user = make_user()
    for _ in range(5):
        assert (
            client.post(
                "/login", data={"email": user.email, "password": "wrong password!"}
            ).status_code
            == 400
        )
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins to this account" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_profile_edit(login_as, db_read):
    client, user = login_as()
    response = client.post(
        "/profile", data={"display_name": "  Giulia R.  ", "preferred_language": "it"}
    )
    assert response.status_code == 302
    saved = db_read(lambda: db.session.get(User, user.id))
    assert (saved.display_name, saved.preferred_language) == ("Giulia R.", "it")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"display_name": "", "preferred_language": ""}, "This field is required."),
        (
            {"display_name": "y" * 81, "preferred_language": ""},
            "Field cannot be longer than 80 characters.",
        ),
        ({"display_name": "ok", "preferred_language": "klingon"}, "Not a valid choice."),
    ],
)
def test_bad_profile_edits_are_refused(login_as, db_read, data, message):
    client, user = login_as()
    response = client.post("/profile", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db_read(lambda: db.session.get(User, user.id).display_name) == user.display_name


def test_changing_the_password_signs_out_other_devices(app, login_as, db_read):
    client, user = login_as()
    other_device = app.test_client()
    assert (
        other_device.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
        == 302
    )
    response = client.post(
        "/profile/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm_password": "a brand new secret",
        },
    )
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200, "the device that changed it stays signed in"
    assert other_device.get("/profile").status_code == 302, "every other device is signed out"
    assert (
        app.test_client()
        .post("/login", data={"email": user.email, "password": "a brand new secret"})
        .status_code
        == 302
    )


def test_changing_the_password_needs_the_current_one(login_as):
    client, _ = login_as()
    response = client.post(
        "/profile/password",
        data={
            "current_password": "not my password",
            "new_password": "a brand new secret",
            "confirm_password": "a brand new secret",
        },
    )
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)


def test_public_profile_shows_no_email(client, make_user):
    user = make_user(city="hildesheim")
    page = client.get(f"/members/{user.id}").get_data(as_text=True)
    assert user.display_name in page and "Hildesheim" in page and user.email not in page
    assert client.get("/members/999999").status_code == 404
