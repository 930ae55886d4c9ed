"""Two real server processes on PostgreSQL and Redis: a comment posted through one reaches
clients of both, and the socket refuses foreign origins."""

from __future__ import annotations

import re
import threading

import pytest
import requests
import socketio

from livinglab.demo import DEMO_PASSWORD
from tests.scaleout.conftest import signed_in_session


def client_for(
    base: str, session: requests.Session | None = None
) -> tuple[socketio.Client, list, threading.Event]:
    received: list[dict] = []
    arrived = threading.Event()
    sio = socketio.Client(reconnection=False)

    @sio.on("comment.created")
    def _created(data):
        received.append(data)
        arrived.set()

    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies) if session else None
    sio.connect(
        base,
        headers={"Cookie": cookie} if cookie else {},
        transports=["websocket"],
        wait_timeout=10,
    )
    return sio, received, arrived


def an_idea_room(base: str) -> str:
    """The room of the first idea shown on the site, found as a visitor would."""
    page = requests.get(f"{base}/search?q=the", timeout=10).text
    return "idea:" + re.search(r'href="/ideas/(\d+)"', page).group(1)


def test_a_comment_through_one_process_reaches_both(servers):
    first, second = servers
    session = signed_in_session(first, "participant.pavia@demo.livinglab.eu", DEMO_PASSWORD)
    room = an_idea_room(first)
    poster, poster_seen, poster_event = client_for(first, session)
    watcher, watcher_seen, watcher_event = client_for(second)
    try:
        assert watcher.call("join", {"room": room}, timeout=10)["ok"] is True
        assert poster.call("join", {"room": room}, timeout=10)["ok"] is True
        ack = poster.call("comment.create", {"room": room, "body": "Across processes"}, timeout=10)
        assert ack["ok"] is True, ack
        assert watcher_event.wait(10), "the other process's client heard nothing"
        assert poster_event.wait(10)
        assert [c["id"] for c in watcher_seen] == [ack["comment"]["id"]]
        assert [c["id"] for c in poster_seen] == [ack["comment"]["id"]], "delivered once, not twice"
    finally:
        poster.disconnect()
        watcher.disconnect()


def test_a_foreign_origin_cannot_open_a_socket(servers):
    sio = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(
            servers[0],
            headers={"Origin": "https://evil.example"},
            transports=["polling"],
            wait_timeout=5,
        )
    own = socketio.Client(reconnection=False)
    own.connect(servers[0], headers={"Origin": servers[0]}, transports=["polling"], wait_timeout=5)
    assert own.connected
    own.disconnect()
