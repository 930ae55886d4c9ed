"""Privacy rights: a member downloads everything held about them, and deletes the account."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role, User
from livinglab.audit.models import AuditEntry
from livinglab.challenges.models import Phase
from livinglab.discussion.models import Comment
from livinglab.errors import Conflict
from livinglab.extensions import db
from livinglab.follows.models import Follow
from livinglab.votes.models import Vote
from tests.conftest import PASSWORD
from tests.factories import make_challenge, make_idea


@pytest.fixture
def active_member(login_as, make_user, db_read, client):
    """A Iași member who voted on two ideas, commented, follows a challenge and holds a token."""
    author = make_user(city="turku")
    voting = db_read(lambda: make_challenge(lead="pavia", phase=Phase.voting))
    ideas = [db_read(lambda: make_idea(voting, author.id)) for _ in range(2)]
    open_challenge = db_read(lambda: make_challenge(lead="coimbra"))
    member_client, member = login_as(city="iasi", name="Ioana Test")
    for idea in ideas:
        assert member_client.post(f"/ideas/{idea}/vote").status_code == 302
    response = member_client.post(
        "/comments",
        data={"target_type": "idea", "target_id": ideas[0], "body": "My own words here."},
    )
    assert response.status_code in (302, 303)
    assert member_client.post(f"/challenges/{open_challenge}/follow").status_code == 302
    token = client.post("/api/v1/tokens", json={"email": member.email, "password": PASSWORD})
    return member_client, member, ideas, token.get_json()["token"]


def test_the_export_holds_the_member_s_data_and_no_secret(active_member, make_user):
    member_client, member, ideas, _ = active_member
    make_user(city="iasi", name="Somebody Else")
    response = member_client.get("/profile/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == member.email
    assert data["account"]["display_name"] == "Ioana Test"
    assert data["account"]["city"] == "iasi"
    records = data["records"]
    assert sorted(v["idea_id"] for v in records["vote"]) == sorted(ideas)
    assert [c["body"] for c in records["comment"]] == ["My own words here."]
    assert [f["target_type"] for f in records["follow"]] == ["challenge"]
    assert len(records["api_token"]) == 1
    text = response.get_data(as_text=True)
    assert "password_hash" not in text and "token_hash" not in text
    assert "Somebody Else" not in text


def test_the_export_needs_a_signed_in_member(client):
    response = client.get("/profile/data.json")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deleting_the_account_keeps_contributions_and_removes_votes(
    active_member, app, client, db_read
):
    member_client, member, ideas, token = active_member
    assert "Former member" not in client.get(f"/ideas/{ideas[0]}").get_data(as_text=True)
    response = member_client.post(
        "/profile/delete", data={"password": PASSWORD, "confirmation": "DELETE"}
    )
    assert response.status_code == 302
    assert member_client.get("/profile").status_code == 302, "signed out"

    def state():
        user = db.session.get(User, member.id)
        return {
            "email": user.email,
            "name": user.display_name,
            "active": user.is_active,
            "votes": db.session.scalar(sa.select(sa.func.count(Vote.id))),
            "follows": db.session.scalar(
                sa.select(sa.func.count()).select_from(Follow).where(Follow.user_id == member.id)
            ),
            "comments": db.session.scalars(
                sa.select(Comment.body).where(Comment.author_id == member.id)
            ).all(),
            "audit": db.session.scalar(
                sa.select(AuditEntry.details).where(AuditEntry.action == "member.deleted")
            ),
        }

    after = db_read(state)
    assert member.email != after["email"] and after["email"].endswith(".invalid")
    assert after["name"] == "Former member" and after["active"] is False
    assert after["votes"] == 0 and after["follows"] == 0
    assert after["comments"] == ["My own words here."], "the contribution stays"
    assert after["audit"] == {"votes_removed": 2}
    page = client.get(f"/ideas/{ideas[0]}").get_data(as_text=True)
    assert "Former member" in page and "Ioana Test" not in page
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    refused = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert refused.status_code == 400
    again = client.post(
        "/register",
        data={
            "email": member.email,
            "password": "a brand new password",
            "confirm_password": "a brand new password",
            "display_name": "Ioana again",
            "city": "iasi",
            "profile_kind": "student",
            "accept_terms": "y",
        },
    )
    assert again.status_code == 302, "the address is free again"


def test_a_wrong_password_or_confirmation_deletes_nothing(active_member, db_read):
    member_client, member, _, _ = active_member
    wrong = member_client.post(
        "/profile/delete", data={"password": "not my password", "confirmation": "DELETE"}
    )
    assert wrong.status_code == 400
    assert "The password is not right." in wrong.get_data(as_text=True)
    unconfirmed = member_client.post(
        "/profile/delete", data={"password": PASSWORD, "confirmation": "maybe"}
    )
    assert unconfirmed.status_code == 400
    assert "Type the word shown to confirm." in unconfirmed.get_data(as_text=True)
    assert db_read(lambda: db.session.get(User, member.id).is_deleted) is False
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Vote.id)))) == 2


def test_deleting_twice_is_a_clear_conflict(make_user, ctx):
    from livinglab.privacy.services import delete_account

    member = db.session.get(User, make_user().id)
    delete_account(member, PASSWORD)
    with pytest.raises(Conflict, match="already deleted"):
        delete_account(member, PASSWORD)


def test_a_second_delete_request_from_the_old_page_asks_to_sign_in(login_as):
    member_client, _ = login_as()
    data = {"password": PASSWORD, "confirmation": "DELETE"}
    assert member_client.post("/profile/delete", data=data).status_code == 302
    second = member_client.post("/profile/delete", data=data)
    assert second.status_code == 302 and "/login" in second.headers["Location"]


def test_the_last_administrator_cannot_delete_their_account(login_as, db_read):
    admin_client, admin = login_as(Role.admin)
    only_admin = db_read(
        lambda: db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == Role.admin))
    )
    assert only_admin == 1
    response = admin_client.post(
        "/profile/delete", data={"password": PASSWORD, "confirmation": "DELETE"}
    )
    assert response.status_code == 409
    assert "The last administrator cannot delete" in response.get_data(as_text=True)
    assert db_read(lambda: db.session.get(User, admin.id).is_deleted) is False
