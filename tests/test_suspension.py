"""Suspension: an administrator's act that signs a member out everywhere."""

from __future__ import annotations

import sqlalchemy as sa

from livinglab.accounts.models import Role, User
from livinglab.audit.models import AuditEntry
from livinglab.extensions import db
from tests.conftest import PASSWORD


def test_suspending_signs_the_member_out_everywhere(app, login_as, db_read):
    member_client, member = login_as(city="salamanca")
    remembered = app.test_client()
    remembered.post("/login", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    admin_client, admin = login_as(Role.admin)
    response = admin_client.post(f"/members/{member.id}/suspend", data={"reason": "Repeated spam"})
    assert response.status_code == 302
    assert member_client.get("/profile").status_code == 302
    remembered.delete_cookie("session")
    assert remembered.get("/profile").status_code == 302, "the remember-me cookie is dead too"
    login = app.test_client().post("/login", data={"email": member.email, "password": PASSWORD})
    assert login.status_code == 400 and "suspended" in login.get_data(as_text=True)
    entry = db_read(
        lambda: db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "member.suspended")
        )
    )
    assert (entry.actor_id, entry.subject_id, entry.details["reason"]) == (
        admin.id,
        member.id,
        "Repeated spam",
    )


def test_reactivation_lets_the_member_back_in(app, login_as, make_user, db_read):
    member = make_user(suspended=True)
    admin_client, _ = login_as(Role.admin)
    assert (
        admin_client.post(
            f"/members/{member.id}/reactivate", data={"reason": "appeal accepted"}
        ).status_code
        == 302
    )
    assert db_read(lambda: db.session.get(User, member.id).is_suspended) is False
    assert (
        app.test_client()
        .post("/login", data={"email": member.email, "password": PASSWORD})
        .status_code
        == 302
    )


def test_only_admins_suspend_and_never_themselves(login_as, make_user, db_read):
    member = make_user()
    for role in (Role.participant, Role.expert, Role.city_rep):
        client, _ = login_as(role, "pavia")
        assert client.post(f"/members/{member.id}/suspend", data={"reason": "x"}).status_code == 403
    admin_client, admin = login_as(Role.admin)
    assert (
        admin_client.post(f"/members/{admin.id}/suspend", data={"reason": "x"}).status_code == 403
    )
    assert db_read(lambda: db.session.get(User, member.id).is_suspended) is False
    assert db_read(lambda: db.session.get(User, admin.id).is_suspended) is False


def test_a_suspension_needs_a_reason(login_as, make_user, db_read):
    member = make_user()
    admin_client, _ = login_as(Role.admin)
    response = admin_client.post(f"/members/{member.id}/suspend", data={"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.get_data(
        as_text=True
    )
    assert db_read(lambda: db.session.get(User, member.id).is_suspended) is False


def test_suspending_twice_is_a_conflict(login_as, make_user):
    member = make_user(suspended=True)
    admin_client, _ = login_as(Role.admin)
    response = admin_client.post(f"/members/{member.id}/suspend", data={"reason": "again"})
    assert response.status_code == 409 and "already suspended" in response.get_data(as_text=True)


def test_unknown_member_is_404(login_as):
    admin_client, _ = login_as(Role.admin)
    assert admin_client.post("/members/999999/suspend", data={"reason": "x"}).status_code == 404
