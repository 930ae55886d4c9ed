"""Requesting roles, and who may grant or refuse them (DESIGN.md's roles table)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import RequestStatus, Role, RoleRequest, User
from livinglab.audit.models import AuditEntry
from livinglab.extensions import db
from livinglab.notifications.models import Notification


def ask(client, role="expert", motivation="I restore frescoes at the university."):
    return client.post("/profile/role-request", data={"role": role, "motivation": motivation})


def pending_request(db_read, user_id: int) -> RoleRequest:
    return db_read(
        lambda: db.session.scalar(
            sa.select(RoleRequest).where(
                RoleRequest.user_id == user_id, RoleRequest.status == RequestStatus.pending
            )
        )
    )


def role_of(db_read, user_id: int) -> Role:
    return db_read(lambda: db.session.get(User, user_id).role)


def test_a_member_requests_the_expert_role(login_as, db_read):
    client, user = login_as(city="coimbra")
    response = ask(client)
    assert response.status_code == 302
    req = pending_request(db_read, user.id)
    assert req.role == Role.expert and req.motivation.startswith("I restore")
    assert "waiting for a decision" in client.get("/profile").get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "motivation", "message", "status"),
    [
        ("expert", "", "This field is required.", 400),
        ("expert", "x" * 2001, "Field cannot be longer than 2000 characters.", 400),
        ("admin", "let me in", "Not a valid choice.", 400),
        ("wizard", "let me in", "Not a valid choice.", 400),
    ],
)
def test_bad_role_requests_are_explained(login_as, db_read, role, motivation, message, status):
    client, user = login_as()
    response = ask(client, role, motivation)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert pending_request(db_read, user.id) is None


def test_asking_for_a_role_one_already_has(login_as, db_read):
    client, user = login_as(Role.expert)
    response = ask(client, "expert")
    assert response.status_code == 409
    assert "You already have this role." in response.get_data(as_text=True)
    assert pending_request(db_read, user.id) is None


def test_asking_twice_while_a_request_waits(login_as, db_read):
    client, user = login_as()
    assert ask(client).status_code == 302
    response = ask(client)
    assert response.status_code == 409
    assert "waiting for a decision" in response.get_data(as_text=True)
    assert (
        db_read(
            lambda: db.session.scalar(
                sa.select(sa.func.count(RoleRequest.id)).where(RoleRequest.user_id == user.id)
            )
        )
        == 1
    )


def test_the_coimbra_rep_grants_an_expert_request_from_coimbra(login_as, db_read):
    member_client, member = login_as(city="coimbra")
    ask(member_client)
    req = pending_request(db_read, member.id)
    rep_client, rep = login_as(Role.city_rep, "coimbra")
    queue = rep_client.get("/role-requests").get_data(as_text=True)
    assert member.display_name in queue
    response = rep_client.post(f"/role-requests/{req.id}/grant", data={"reason": ""})
    assert response.status_code == 302
    assert role_of(db_read, member.id) == Role.expert
    entry = db_read(
        lambda: db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "role.granted"))
    )
    assert entry.actor_id == rep.id and entry.details["member_id"] == member.id
    notes = db_read(
        lambda: db.session.scalars(
            sa.select(Notification).where(Notification.user_id == member.id)
        ).all()
    )
    assert [n.kind for n in notes] == ["role_granted"]
    page = member_client.get("/notifications/").get_data(as_text=True)
    assert "Your request for the role “Expert” was granted." in page
    assert "granted" in member_client.get("/profile").get_data(as_text=True)


def test_a_turku_rep_cannot_decide_a_coimbra_request(login_as, db_read):
    member_client, member = login_as(city="coimbra")
    ask(member_client)
    req = pending_request(db_read, member.id)
    turku_client, _ = login_as(Role.city_rep, "turku")
    assert member.display_name not in turku_client.get("/role-requests").get_data(as_text=True)
    for decision in ("grant", "refuse"):
        response = turku_client.post(f"/role-requests/{req.id}/{decision}", data={"reason": "no"})
        assert response.status_code == 403
    assert role_of(db_read, member.id) == Role.participant
    assert pending_request(db_read, member.id) is not None


def test_participants_and_experts_cannot_open_the_queue(login_as, client):
    for role in (Role.participant, Role.expert):
        member_client, _ = login_as(role)
        assert member_client.get("/role-requests").status_code == 403
    assert client.get("/role-requests").status_code == 302  # anonymous: to the sign-in page


def test_a_city_rep_cannot_grant_the_city_rep_role(login_as, db_read):
    member_client, member = login_as(city="pavia")
    ask(member_client, "city_rep", "I work at the Comune di Pavia culture office.")
    req = pending_request(db_read, member.id)
    rep_client, _ = login_as(Role.city_rep, "pavia")
    assert rep_client.post(f"/role-requests/{req.id}/grant").status_code == 403
    admin_client, _ = login_as(Role.admin, "turku")
    assert admin_client.post(f"/role-requests/{req.id}/grant").status_code == 302
    assert role_of(db_read, member.id) == Role.city_rep


def test_refusing_needs_a_reason_that_the_member_reads(login_as, db_read):
    member_client, member = login_as(city="iasi")
    ask(member_client)
    req = pending_request(db_read, member.id)
    admin_client, _ = login_as(Role.admin)
    response = admin_client.post(f"/role-requests/{req.id}/refuse", data={"reason": "  "})
    assert response.status_code == 400
    assert "Say why the request is refused" in response.get_data(as_text=True)
    assert pending_request(db_read, member.id) is not None
    response = admin_client.post(
        f"/role-requests/{req.id}/refuse", data={"reason": "Please add your institution."}
    )
    assert response.status_code == 302
    assert role_of(db_read, member.id) == Role.participant
    profile = member_client.get("/profile").get_data(as_text=True)
    assert "refused" in profile and "Please add your institution." in profile
    notes = member_client.get("/notifications/").get_data(as_text=True)
    assert "was refused: Please add your institution." in notes


def test_a_request_is_decided_once(login_as, db_read):
    member_client, member = login_as()
    ask(member_client)
    req = pending_request(db_read, member.id)
    admin_client, _ = login_as(Role.admin)
    assert admin_client.post(f"/role-requests/{req.id}/grant").status_code == 302
    response = admin_client.post(
        f"/role-requests/{req.id}/refuse", data={"reason": "changed my mind"}
    )
    assert response.status_code == 409
    assert role_of(db_read, member.id) == Role.expert


def test_a_suspended_member_is_not_granted_a_role(login_as, db_read, make_user):
    member_client, member = login_as()
    ask(member_client)
    req = pending_request(db_read, member.id)
    admin_client, _ = login_as(Role.admin)
    admin_client.post(f"/members/{member.id}/suspend", data={"reason": "spam"})
    response = admin_client.post(f"/role-requests/{req.id}/grant")
    assert response.status_code == 409
    assert role_of(db_read, member.id) == Role.participant


def test_unknown_request_is_404(login_as):
    admin_client, _ = login_as(Role.admin)
    assert admin_client.post("/role-requests/424242/grant").status_code == 404


def test_an_admin_changes_a_role_directly_and_it_is_audited(login_as, db_read, make_user):
    admin_client, admin = login_as(Role.admin)
    member = make_user(city="turku")
    assert (
        admin_client.post(
            f"/members/{member.id}/role", data={"role": "city_rep", "reason": "appointed"}
        ).status_code
        == 302
    )
    assert role_of(db_read, member.id) == Role.city_rep
    entry = db_read(
        lambda: db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.action == "role.changed", AuditEntry.subject_id == member.id
            )
        )
    )
    assert entry.details == {"previous": "participant", "role": "city_rep", "reason": "appointed"}
    rep_client, _ = login_as(Role.city_rep, "turku")
    assert rep_client.post(f"/members/{member.id}/role", data={"role": "admin"}).status_code == 403
    assert (
        admin_client.post(f"/members/{admin.id}/role", data={"role": "participant"}).status_code
        == 403
    )
    assert (
        admin_client.post(f"/members/{member.id}/role", data={"role": "emperor"}).status_code == 400
    )
