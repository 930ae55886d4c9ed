"""The account's life by email: password reset (single use, expiring, signed, rate-limited,
silent about unknown addresses), confirming the address at registration and what waits for it,
changing the address, and the administrator's resend."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from livinglab import policy
from livinglab.accounts.models import Role, User
from livinglab.challenges.models import Phase
from livinglab.extensions import db
from livinglab.mail.models import OutboxMessage
from livinglab.mail.tokens import make
from tests.conftest import PASSWORD, Auth
from tests.factories import make_challenge, make_idea

NEW_PASSWORD = "torre-civica-di-pavia"


def messages(db_read, **where) -> list[OutboxMessage]:
    def rows():
        query = sa.select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
        found = list(db.session.scalars(query))
        for row in found:
            db.session.expunge(row)
        return found

    return db_read(rows)


def link_in(message: OutboxMessage, path: str) -> str:
    found = re.search(rf"http://localhost({re.escape(path)}[^\s\"<]+)", message.text_body)
    assert found, message.text_body
    return found[1]


def page(response) -> str:
    return response.get_data(as_text=True)


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"|content="[^"]*"', "", html)


# --- Password reset ------------------------------------------------------------------------


def test_a_reset_link_sets_a_new_password_once(client, db_read, make_user, app):
    member = make_user(email="giulia@example.org")
    signed_in = app.test_client()
    Auth(signed_in).login(member)
    sent = client.post("/password/forgot", data={"email": " Giulia@Example.org "})
    assert sent.status_code == 200 and "Check your inbox" in page(sent)
    [mail] = messages(db_read, kind="password_reset")
    assert mail.to_address == "giulia@example.org"
    # In the recipient's language: a Pavia member who chose none reads Italian.
    assert "per 60 minuti." in mail.text_body
    link = link_in(mail, "/password/reset/")

    form = client.get(link)
    assert form.status_code == 200 and "Choose a new password" in page(form)
    mismatch = client.post(link, data={"password": NEW_PASSWORD, "confirm_password": "other"})
    assert mismatch.status_code == 400 and "The two passwords differ." in page(mismatch)
    short = client.post(link, data={"password": "short", "confirm_password": "short"})
    assert short.status_code == 400
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    # A second use is refused, by GET and by POST: the password hash it was made for is gone.
    again = client.post(
        link, data={"password": "yet-another-one", "confirm_password": "yet-another-one"}
    )
    assert again.status_code == 400 and "already been used" in page(again)
    assert client.get(link).status_code == 400
    assert Auth(app.test_client()).login(member, NEW_PASSWORD).status_code == 302
    assert Auth(app.test_client()).login(member, PASSWORD).status_code == 400
    # Every earlier sign-in ended with the reset.
    assert signed_in.get("/profile").status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(client, db_read, make_user):
    make_user(email="known@example.org")
    known = client.post("/password/forgot", data={"email": "known@example.org"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(page(known)) == without_csrf(page(unknown))
    assert [m.to_address for m in messages(db_read)] == ["known@example.org"]


def test_a_suspended_account_gets_no_reset_link(client, db_read, make_user):
    make_user(email="away@example.org", suspended=True)
    assert client.post("/password/forgot", data={"email": "away@example.org"}).status_code == 200
    assert messages(db_read) == []


def test_a_malformed_address_is_told_at_the_field(client, db_read):
    response = client.post("/password/forgot", data={"email": "not-an-address"})
    assert response.status_code == 400
    assert 'id="email-error"' in page(response) and "Enter a valid email address." in page(response)


def test_expired_forged_and_foreign_tokens_are_refused_clearly(client, app, db_read, make_user):
    member = make_user(email="tokens@example.org")
    client.post("/password/forgot", data={"email": member.email})
    link = link_in(messages(db_read)[0], "/password/reset/")

    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        expired = client.get(link)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert expired.status_code == 400 and "This link has expired" in page(expired)
    assert 'href="/password/forgot"' in page(expired)

    forged = client.post(
        link[:-4] + "AAAA", data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert forged.status_code == 400 and "This link is not valid" in page(forged)
    with app.test_request_context():
        # Signed with our key but for another purpose: a confirmation token is no reset token.
        foreign = make("verify-email", {"u": member.id, "e": member.email})
    assert client.get(f"/password/reset/{foreign}").status_code == 400
    assert client.get("/password/reset/" + "x" * 2000).status_code in (400, 404)
    assert Auth(app.test_client()).login(member).status_code == 302  # the password is unchanged


def test_reset_requests_are_rate_limited_per_address_whether_known_or_not(client, make_user):
    make_user(email="limited@example.org")
    for address in ("limited@example.org", "ghost@example.org"):
        answers = [
            client.post("/password/forgot", data={"email": address}).status_code for _ in range(6)
        ]
        assert answers == [200] * 5 + [429], address


# --- Confirming the address -------------------------------------------------------------------

REGISTRATION = {
    "email": "nuno@example.pt",
    "display_name": "Nuno Costa",
    "password": "azulejos-de-coimbra",
    "confirm_password": "azulejos-de-coimbra",
    "city": "coimbra",
    "profile_kind": "student",
    "preferred_language": "",
    "accept_terms": "y",
}


@pytest.fixture
def open_idea(db_read, make_user):
    author = make_user(city="turku")
    challenge = db_read(lambda: make_challenge(lead="pavia", phase=Phase.open))
    voting = db_read(lambda: make_challenge(lead="pavia", phase=Phase.voting))
    return (
        challenge,
        db_read(lambda: make_idea(challenge, author.id)),
        db_read(lambda: make_idea(voting, author.id)),
    )


def test_an_unconfirmed_member_reads_but_must_confirm_before_taking_part(
    client, db_read, open_idea
):
    challenge, idea, voting_idea = open_idea
    assert client.post("/register", data=REGISTRATION).status_code == 302
    profile = page(client.get("/profile"))
    assert "not confirmed yet" in profile
    assert client.get(f"/ideas/{idea}").status_code == 200  # reading is open
    assert client.post(f"/ideas/{idea}/follow").status_code == 302  # so is following

    refusals = [
        client.post("/comments", data={"target_type": "idea", "target_id": idea, "body": "Hi"}),
        client.post(f"/ideas/{voting_idea}/vote"),
        client.get(f"/challenges/{challenge}/ideas/new"),
        client.get("/challenges/new"),
    ]
    for refused in refusals:
        assert refused.status_code == 403
        assert "Confirm your email address first" in page(refused)
    vote_panel = page(client.get(f"/ideas/{voting_idea}"))
    assert "Confirm your email address first" in vote_panel

    [mail] = messages(db_read, kind="verify_email")
    assert mail.to_address == "nuno@example.pt"
    confirmed = client.get(link_in(mail, "/verify-email/"))
    assert confirmed.status_code == 200 and "Your address is confirmed" in page(confirmed)
    comment = {"target_type": "idea", "target_id": idea, "body": "Now I may."}
    assert client.post("/comments", data=comment).status_code == 302
    assert client.post(f"/ideas/{voting_idea}/vote").status_code == 302
    again = client.get(link_in(mail, "/verify-email/"))
    assert again.status_code == 200 and "already confirmed" in page(again)


def test_the_api_registration_sends_the_confirmation_too(client, db_read):
    body = {k: REGISTRATION[k] for k in ("email", "password", "display_name", "profile_kind")}
    response = client.post("/api/v1/users", json={**body, "city": "coimbra"})
    assert response.status_code == 201
    assert [m.kind for m in messages(db_read, to_address="nuno@example.pt")] == ["verify_email"]


def test_the_member_asks_for_a_new_link(client, db_read):
    client.post("/register", data=REGISTRATION)
    response = client.post("/profile/email/resend")
    assert response.status_code == 302
    assert len(messages(db_read, kind="verify_email")) == 2
    with_link = page(client.get("/profile/email"))
    assert "We sent a new confirmation link to nuno@example.pt." in with_link


def test_members_and_demo_accounts_made_by_code_count_as_confirmed(make_user, db_read):
    member = make_user()
    assert member.verified_at is not None
    from livinglab.demo import seed

    db_read(seed)
    unconfirmed = db_read(
        lambda: db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.verified_at.is_(None))
        )
    )
    assert unconfirmed == 0


def test_the_rule_sits_in_the_policy_for_every_face():
    def member(verified: bool) -> User:
        user = User(id=77, role=Role.participant, city_id=1, email="x@y.org", display_name="X")
        user.verified_at = None if not verified else user.verified_at
        return user

    challenge = SimpleNamespace(
        phase=Phase.open, lead_city_id=1, host_city_ids={1}, is_published=True, votes_per_member=3
    )
    idea = SimpleNamespace(
        author_ids={5},
        challenge=SimpleNamespace(**{**vars(challenge), "phase": Phase.voting}),
        status="submitted",
    )
    content = SimpleNamespace(author_id=5)
    for verdict in (
        policy.can_submit_idea(member(False), challenge),
        policy.can_propose_challenge(member(False)),
        policy.can_comment(member(False), challenge),
        policy.can_vote(member(False), idea),
        policy.can_flag(member(False), content),
    ):
        assert (verdict.allowed, verdict.status) == (False, 403)
        assert "Confirm your email address first" in str(verdict.reason)
    assert policy.can_submit_idea(member(True), challenge)
    assert policy.can_vote(member(True), idea)
    assert policy.can_request_role(member(False), Role.expert)  # a person decides that anyway


# --- Changing the address ---------------------------------------------------------------------


def test_a_new_address_replaces_the_old_only_once_confirmed(client, db_read, make_user, app):
    member = make_user(email="old@example.org")
    make_user(email="taken@example.org")
    Auth(client).login(member)
    wrong = client.post(
        "/profile/email", data={"email": "new@example.org", "current_password": "nope"}
    )
    assert wrong.status_code == 400 and "This is not your current password." in page(wrong)
    taken = client.post(
        "/profile/email", data={"email": "taken@example.org", "current_password": PASSWORD}
    )
    assert taken.status_code == 400 and "already exists" in page(taken)
    asked = client.post(
        "/profile/email", data={"email": "New@Example.org", "current_password": PASSWORD}
    )
    assert asked.status_code == 302
    [mail] = messages(db_read, kind="confirm_email")
    assert mail.to_address == "new@example.org"
    assert db_read(lambda: db.session.get(User, member.id).email) == "old@example.org"

    confirmed = app.test_client().get(link_in(mail, "/profile/email/confirm/"))
    assert confirmed.status_code == 200 and "new@example.org" in page(confirmed)
    assert db_read(lambda: db.session.get(User, member.id).email) == "new@example.org"
    [notice] = messages(db_read, kind="email_changed")
    assert notice.to_address == "old@example.org" and "new@example.org" in notice.text_body
    assert app.test_client().get(link_in(mail, "/profile/email/confirm/")).status_code == 200
    assert Auth(app.test_client()).login("new@example.org").status_code == 302


# --- The administrator resends ---------------------------------------------------------------


def test_an_administrator_resends_the_confirmation_link(login_as, client, db_read):
    client.post("/register", data=REGISTRATION)
    newcomer = db_read(
        lambda: db.session.scalar(sa.select(User.id).where(User.email == "nuno@example.pt"))
    )
    admin, _ = login_as(Role.admin)
    listing = page(admin.get("/admin/members?q=nuno"))
    assert "address not confirmed" in listing and f'data-testid="resend-{newcomer}"' in listing
    response = admin.post(f"/members/{newcomer}/resend-verification?next=/admin/members")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/members")
    assert len(messages(db_read, kind="verify_email")) == 2

    participant, _ = login_as()
    assert participant.post(f"/members/{newcomer}/resend-verification").status_code == 403
    confirmed, me = login_as()
    assert admin.post(f"/members/{me.id}/resend-verification").status_code == 409


# --- The migration --------------------------------------------------------------------------


def test_members_from_before_the_migration_count_as_confirmed(tmp_path):
    """0012 sets verified_at for the accounts that existed: nobody loses a right they had."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade

    from livinglab import create_app
    from tests.conftest import dispose

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}"})
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        before = ScriptDirectory.from_config(config).get_revision("0012").down_revision
        upgrade(revision=before)
        with db.engine.begin() as conn:
            city = conn.execute(sa.text("SELECT id FROM city WHERE slug = 'pavia'")).scalar()
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (email, display_name, password_hash, city_id, role, '
                    "profile_kind, created_at, session_version) VALUES ('early@example.org', "
                    "'Early', 'x', :city, 'participant', 'student', '2023-05-04 10:00:00', 1)"
                ),
                {"city": city},
            )
        upgrade(revision="0012")
        with db.engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT created_at, verified_at FROM \"user\" WHERE email = 'early@example.org'"
                )
            ).one()
        assert row.verified_at == row.created_at
        downgrade(revision=before)  # and back: the tables and columns go
        with db.engine.connect() as conn:
            assert "mail_outbox" not in sa.inspect(conn).get_table_names()
    dispose(app)
