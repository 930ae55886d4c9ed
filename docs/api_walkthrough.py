"""A client of the Living Lab API written from its documentation alone: plain HTTP (requests)
and python-socketio. It registers, gets tokens, proposes and publishes a challenge, submits an
idea, comments and hears the comment event, votes, reviews, approves a pilot and records a
milestone, checking on the way that the rules refuse what they should.

    python docs/api_walkthrough.py http://127.0.0.1:5000 [http://second-process:5001]

It uses the demo accounts (`flask --app wsgi seed-demo`) for the roles it cannot register, and a
demo participant once the new account is shown to wait for its email confirmation.
"""

from __future__ import annotations

import sys
import threading
import uuid

import requests
import socketio

DEMO_PASSWORD = "heritage-lab-2022"  # noqa: S105 - the published demo password


class Api:
    def __init__(self, base: str, token: str | None = None):
        self.base = base.rstrip("/") + "/api/v1"
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, expect: int, **kwargs):
        response = requests.request(
            method, self.base + path, headers=self.headers, timeout=30, **kwargs
        )
        if response.status_code != expect:
            raise AssertionError(
                f"{method} {path}: expected {expect}, got {response.status_code}: {response.text[:300]}"
            )
        return response.json() if response.content else None


def token(base: str, email: str, password: str = DEMO_PASSWORD) -> str:
    return Api(base).call("POST", "/tokens", 201, json={"email": email, "password": password})[
        "token"
    ]


def walk(base: str, events_base: str | None = None) -> dict:
    events_base = events_base or base
    anonymous = Api(base)
    email = f"walker-{uuid.uuid4().hex[:8]}@example.org"
    anonymous.call(
        "POST",
        "/users",
        201,
        json={
            "email": email,
            "password": "a walk through the api",
            "display_name": "Walker",
            "city": "poitiers",
            "profile_kind": "student",
        },
    )
    anonymous.call(
        "POST",
        "/users",
        400,
        json={
            "email": email.upper(),
            "password": "a walk through the api",
            "display_name": "W",
            "city": "poitiers",
            "profile_kind": "student",
        },
    )  # same address, other case
    newcomer = Api(base, token(base, email, "a walk through the api"))
    assert newcomer.call("GET", "/me", 200)["role"] == "participant"
    # Until the address is confirmed (the link emailed at registration), a member may read,
    # follow and edit the profile, not propose, submit, comment or vote.
    too_early = {
        "title": "Too early",
        "summary": "Proposed before confirming the address.",
        "body": "Refused.",
        "themes": ["youth-engagement"],
        "lead_city": "poitiers",
    }
    newcomer.call("POST", "/challenges", 403, json=too_early)
    walker = Api(base, token(base, "participant.poitiers@demo.livinglab.eu"))
    pavia = Api(base, token(base, "cityrep.pavia@demo.livinglab.eu"))
    turku = Api(base, token(base, "cityrep.turku@demo.livinglab.eu"))
    voter = Api(base, token(base, "participant.iasi@demo.livinglab.eu"))
    expert = Api(base, token(base, "expert.hildesheim@demo.livinglab.eu"))

    challenge = walker.call(
        "POST",
        "/challenges",
        201,
        json={
            "title": "Walk-through challenge",
            "summary": "Made by the API walk-through.",
            "body": "Testing **everything**.",
            "themes": ["youth-engagement"],
            "lead_city": "pavia",
            "cohost_cities": ["coimbra"],
        },
    )
    cid = challenge["id"]
    walker.call("PATCH", f"/challenges/{cid}", 403, json={"phase": "open"})
    pavia.call("PATCH", f"/challenges/{cid}", 200, json={"phase": "open"})
    turku.call("PATCH", f"/challenges/{cid}", 403, json={"phase": "voting"})

    idea = walker.call(
        "POST",
        f"/challenges/{cid}/ideas",
        201,
        json={"title": "Walking tours", "summary": "s", "body": "b"},
    )
    iid = idea["id"]

    heard: list[dict] = []
    arrived = threading.Event()
    listener = socketio.Client(reconnection=False)
    listener.on("comment.created", lambda data: (heard.append(data), arrived.set()))
    listener.connect(events_base, transports=["websocket"], wait_timeout=10)
    assert listener.call("join", {"room": f"idea:{iid}"}, timeout=10)["ok"]
    comment = voter.call("POST", f"/ideas/{iid}/comments", 201, json={"body": "I would join!"})
    assert arrived.wait(10) and heard[0]["id"] == comment["id"], "the comment event arrived"
    listener.disconnect()

    voter.call("POST", f"/ideas/{iid}/vote", 409)  # not in voting yet
    pavia.call("PATCH", f"/challenges/{cid}", 200, json={"phase": "voting"})
    walker.call("POST", f"/ideas/{iid}/vote", 403)  # one's own idea
    assert voter.call("POST", f"/ideas/{iid}/vote", 201)["votes"] == 1
    voter.call("POST", f"/ideas/{iid}/vote", 409)  # twice

    scores = {
        "heritage_value": 4,
        "feasibility": 5,
        "circularity": 3,
        "youth_involvement": 5,
        "replicability": 4,
    }
    voter.call(
        "POST",
        f"/ideas/{iid}/reviews",
        403,
        json={"scores": scores, "assessment": "x", "no_conflict": True},
    )
    expert.call(
        "POST",
        f"/ideas/{iid}/reviews",
        201,
        json={"scores": scores, "assessment": "Sound.", "no_conflict": True},
    )

    pavia.call("PATCH", f"/challenges/{cid}", 200, json={"phase": "selection"})
    turku.call(
        "POST", f"/ideas/{iid}/decisions", 403, json={"decision": "approve", "city": "turku"}
    )
    pilot = pavia.call(
        "POST", f"/ideas/{iid}/decisions", 201, json={"decision": "approve", "city": "pavia"}
    )
    milestone = walker.call(
        "POST", f"/pilots/{pilot['id']}/milestones", 201, json={"title": "First walk"}
    )
    done = pavia.call(
        "PATCH",
        f"/pilots/{pilot['id']}/milestones/{milestone['id']}",
        200,
        json={"done_on": "2026-11-20", "evidence": "Twenty walkers."},
    )
    assert done["progress"] == {"done": 1, "total": 1}
    voter.call("POST", f"/pilots/{pilot['id']}/milestones", 403, json={"title": "Not mine"})
    return {"challenge": cid, "idea": iid, "pilot": pilot["id"]}


if __name__ == "__main__":
    print(walk(*sys.argv[1:3]))
