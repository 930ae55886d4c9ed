"""Signing out ends the session on the server: copied cookies open nothing afterwards."""

from __future__ import annotations

import sqlalchemy as sa

from livinglab.accounts.models import LoginSession
from livinglab.extensions import db
from tests.conftest import PASSWORD

SIGN_IN = "/login"


def sign_in(
    app, user, remember: bool = False, agent: str = "Mozilla/5.0 (X11; Linux) Firefox/128.0"
):
    client = app.test_client()
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, headers={"User-Agent": agent})
    assert response.status_code == 302
    return client


def replay(app, name: str, value: str):
    """A fresh browser holding only one copied cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def opens_profile(client) -> bool:
    response = client.get("/profile")
    if response.status_code == 302:
        assert SIGN_IN in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def rows(db_read, user_id: int) -> int:
    return db_read(
        lambda: db.session.scalar(sa.select(sa.func.count()).where(LoginSession.user_id == user_id))
    )


def test_copied_cookies_open_nothing_after_sign_out(app, make_user, db_read):
    user = make_user()
    device = sign_in(app, user, remember=True)
    session_cookie = device.get_cookie("session").value
    remember_cookie = device.get_cookie("remember_token").value
    # Before sign-out each copy alone opens the profile: the replays below can tell.
    assert opens_profile(replay(app, "session", session_cookie))
    assert opens_profile(replay(app, "remember_token", remember_cookie))

    assert device.post("/logout").status_code == 302
    assert not opens_profile(device)
    assert not opens_profile(replay(app, "session", session_cookie))
    assert not opens_profile(replay(app, "remember_token", remember_cookie))
    both = replay(app, "session", session_cookie)
    both.set_cookie("remember_token", remember_cookie)
    assert not opens_profile(both)
    assert rows(db_read, user.id) == 0


def test_signing_out_one_device_keeps_the_others(app, make_user, db_read):
    user = make_user()
    laptop = sign_in(app, user, remember=True)
    phone = sign_in(app, user, remember=True, agent="Mozilla/5.0 (iPhone) Safari/604.1")
    assert rows(db_read, user.id) == 2
    copied = laptop.get_cookie("session").value
    laptop.post("/logout")
    assert not opens_profile(laptop)
    assert not opens_profile(replay(app, "session", copied))
    assert opens_profile(phone), "the phone's sign-in is its own"
    phone.delete_cookie("session")
    assert opens_profile(phone), "and so is its remember-me cookie"


def test_sign_out_everywhere_ends_every_device_but_not_api_tokens(app, make_user, client):
    user = make_user()
    laptop = sign_in(app, user, remember=True)
    phone = sign_in(app, user, remember=True)
    phone_remember = phone.get_cookie("remember_token").value
    token = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}

    page = laptop.get("/profile").get_data(as_text=True)
    assert 'data-testid="sign-out-everywhere"' in page and "revoke them" in page
    response = laptop.post("/profile/sign-out-everywhere")
    assert response.status_code == 302
    assert not opens_profile(laptop)
    assert not opens_profile(phone)
    assert not opens_profile(replay(app, "remember_token", phone_remember))
    # Tokens belong to integrations, listed and revoked on their own page.
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert opens_profile(sign_in(app, user)), "signing in again works"


def test_the_profile_lists_sign_ins_and_ends_another_device(app, make_user, db_read):
    user = make_user()
    laptop = sign_in(app, user)
    phone = sign_in(app, user, agent="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile")
    page = laptop.get("/profile").get_data(as_text=True)
    assert page.count('data-testid="sign-in"') == 2
    assert "Chrome / Android" in page and "Firefox / Linux" in page
    phone_id = db_read(
        lambda: db.session.scalar(
            sa.select(LoginSession.id)
            .where(LoginSession.user_id == user.id)
            .order_by(LoginSession.id.desc())
        )
    )
    assert laptop.post(f"/profile/sessions/{phone_id}/end").status_code == 302
    assert not opens_profile(phone)
    assert opens_profile(laptop)
    stranger = sign_in(app, make_user())
    assert stranger.post(f"/profile/sessions/{phone_id + 1000}/end").status_code == 404


def test_another_member_cannot_end_my_sign_in(app, make_user, db_read):
    me, other = make_user(), make_user()
    mine = sign_in(app, me)
    theirs = sign_in(app, other)
    my_id = db_read(
        lambda: db.session.scalar(sa.select(LoginSession.id).where(LoginSession.user_id == me.id))
    )
    assert theirs.post(f"/profile/sessions/{my_id}/end").status_code == 404
    assert opens_profile(mine)


def test_sign_out_closes_that_device_s_sockets_only(app, make_user, socket_client):
    user = make_user()
    laptop = sign_in(app, user)
    phone = sign_in(app, user)
    laptop_socket, phone_socket = socket_client(laptop), socket_client(phone)
    assert laptop_socket.is_connected() and phone_socket.is_connected()
    laptop.post("/logout")
    assert not laptop_socket.is_connected()
    assert phone_socket.is_connected(), "the phone's live page stays"
    phone.post("/profile/sign-out-everywhere")
    assert not phone_socket.is_connected()


def test_a_login_id_of_the_old_shape_or_a_forged_key_is_refused(app, make_user, ctx):
    from livinglab.accounts.session import load_user

    user = make_user()
    assert load_user(f"{user.id}:{user.session_version}") is None
    assert load_user(f"{user.id}:{user.session_version}:not-a-key") is None
    assert load_user(f"{user.id}:{user.session_version}:api.999999") is None
    assert load_user("garbage") is None


def test_loading_a_signed_in_member_is_one_query(app, make_user, count_queries, ctx):
    from livinglab.accounts.session import load_user

    user = make_user()
    device = sign_in(app, user)
    with device.session_transaction() as stored:
        login_id = stored["_user_id"]
    with count_queries() as counted:
        loaded = load_user(login_id)
    assert loaded is not None and loaded.id == user.id and loaded.city.slug == "pavia"
    assert counted.n == 1, counted.statements


def test_a_token_socket_stays_signed_in_until_the_token_is_revoked(app, make_user, client):
    from livinglab.extensions import socketio
    from livinglab.setup import bind_socketio
    from tests.factories import make_challenge

    bind_socketio(app)
    user = make_user()
    with app.app_context():
        challenge_id = make_challenge()
    issued = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    plain = issued.get_json()["token"]
    socket = socketio.test_client(app, auth={"token": plain})
    room = f"challenge:{challenge_id}"
    ack = socket.emit("comment.create", {"room": room, "body": "First"}, callback=True)
    assert ack["ok"] is True
    assert (
        client.delete("/api/v1/tokens/current", headers={"Authorization": f"Bearer {plain}"})
    ).status_code == 204
    ack = socket.emit("comment.create", {"room": room, "body": "After revoking"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] in ("unauthenticated", "forbidden")
    socket.disconnect()
