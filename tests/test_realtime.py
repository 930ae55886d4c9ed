"""Socket.IO: who connects, and the private room that carries notifications."""

from __future__ import annotations

from livinglab.accounts.models import Role


def test_anonymous_visitors_may_connect_to_watch(socket_client):
    assert socket_client().is_connected()


def test_a_member_hears_their_unread_count_when_a_request_is_decided(
    socket_client, login_as, db_read
):
    member_client, member = login_as(city="coimbra")
    member_client.post(
        "/profile/role-request", data={"role": "expert", "motivation": "Azulejo restorer."}
    )
    socket = socket_client(member_client)
    assert socket.is_connected()
    rep_client, _ = login_as(Role.city_rep, "coimbra")
    from tests.test_roles import pending_request

    req = pending_request(db_read, member.id)
    assert rep_client.post(f"/role-requests/{req.id}/grant").status_code == 302
    received = socket.get_received()
    assert {"name": "notification", "args": [{"unread": 1}], "namespace": "/"} in received


def test_another_member_does_not_hear_it(socket_client, login_as, db_read):
    member_client, member = login_as(city="coimbra")
    member_client.post(
        "/profile/role-request", data={"role": "expert", "motivation": "Azulejo restorer."}
    )
    bystander_client, _ = login_as(city="coimbra")
    socket = socket_client(bystander_client)
    admin_client, _ = login_as(Role.admin)
    from tests.test_roles import pending_request

    admin_client.post(f"/role-requests/{pending_request(db_read, member.id).id}/grant")
    assert [m for m in socket.get_received() if m["name"] == "notification"] == []


def test_suspension_closes_the_member_s_open_sockets(socket_client, login_as):
    member_client, member = login_as()
    socket = socket_client(member_client)
    watcher = socket_client()
    assert socket.is_connected()
    admin_client, _ = login_as(Role.admin)
    assert (
        admin_client.post(f"/members/{member.id}/suspend", data={"reason": "abuse"}).status_code
        == 302
    )
    assert not socket.is_connected()
    assert watcher.is_connected(), "nobody else is disconnected"


def test_a_suspended_member_connects_only_as_an_anonymous_watcher(socket_client, login_as):
    member_client, member = login_as()
    admin_client, _ = login_as(Role.admin)
    admin_client.post(f"/members/{member.id}/suspend", data={"reason": "abuse"})
    from livinglab.extensions import socketio

    socket = socket_client(member_client)
    assert socket.is_connected()
    assert f"user:{member.id}" not in socketio.server.manager.rooms["/"]
