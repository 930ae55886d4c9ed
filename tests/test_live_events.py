"""Domain events reach the live channel: ``idea.status`` on approve, reject and withdraw."""

from __future__ import annotations

from livinglab import events
from livinglab.accounts.models import Role
from livinglab.realtime.subscriptions import connect_all
from tests.factories import make_challenge
from tests.test_ideas import new_idea_id, submit
from tests.test_pilots import decide, selected  # noqa: F401 - ``selected`` is a fixture


def statuses(socket):
    return [m["args"][0] for m in socket.get_received() if m["name"] == "idea.status"]


def watchers(socket_client, *rooms):
    """One anonymous socket per room, joined; the last one watches nothing."""
    sockets = []
    for room in (*rooms, None):
        socket = socket_client()
        if room is not None:
            assert socket.emit("join", {"room": room}, callback=True)["ok"] is True
        sockets.append(socket)
    return sockets


def test_withdrawing_an_idea_tells_its_page_and_its_challenge(login_as, db_read, socket_client):
    challenge_id = db_read(lambda: make_challenge())
    author, _ = login_as(city="turku")
    idea_id = new_idea_id(submit(author, challenge_id))
    on_idea, on_challenge, elsewhere = watchers(
        socket_client, f"idea:{idea_id}", f"challenge:{challenge_id}"
    )
    assert author.post(f"/ideas/{idea_id}/withdraw").status_code == 302
    expected = [{"idea_id": idea_id, "status": "withdrawn"}]
    assert statuses(on_idea) == expected
    assert statuses(on_challenge) == expected
    assert statuses(elsewhere) == []


def test_approval_is_told_once_and_a_later_rejection_changes_nothing(
    login_as,
    socket_client,
    selected,  # noqa: F811
):
    idea_id, _author, challenge_id = selected
    on_idea, on_challenge, _ = watchers(
        socket_client, f"idea:{idea_id}", f"challenge:{challenge_id}"
    )
    pavia, _ = login_as(Role.city_rep, "pavia")
    assert decide(pavia, idea_id, "pavia", "approve").status_code == 302
    coimbra, _ = login_as(Role.city_rep, "coimbra")
    assert decide(coimbra, idea_id, "coimbra", "reject", "No budget.").status_code == 302
    # The idea stays approved (Pavia runs a pilot): one status event, not two.
    assert statuses(on_idea) == [{"idea_id": idea_id, "status": "approved"}]
    assert statuses(on_challenge) == [{"idea_id": idea_id, "status": "approved"}]


def test_a_rejection_is_told(login_as, socket_client, selected):  # noqa: F811
    idea_id, _author, _challenge_id = selected
    [on_idea, _] = watchers(socket_client, f"idea:{idea_id}")
    pavia, _ = login_as(Role.city_rep, "pavia")
    assert decide(pavia, idea_id, "pavia", "reject", "Out of scope.").status_code == 302
    assert statuses(on_idea) == [{"idea_id": idea_id, "status": "rejected"}]


def test_wiring_twice_does_not_broadcast_twice(app):
    """Every app built in one process calls connect_all; each receiver stays connected once."""
    before = len(events.idea_status_changed.receivers)
    connect_all()
    connect_all()
    assert len(events.idea_status_changed.receivers) == before == 1
