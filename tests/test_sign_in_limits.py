"""Sign-in limits that fit a conference room: failures are throttled per account and per
address, successful sign-ins never are (HTML form and API alike); behind trusted proxies the
address is the real client's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from livinglab import create_app
from tests.conftest import PASSWORD, dispose

ROOT = Path(__file__).resolve().parent.parent
WRONG = "not the password!"
ACCOUNT_BUDGET = 5
ADDRESS_BUDGET = 50


@pytest.fixture(autouse=True)
def production_budgets(app, monkeypatch):
    """The production values (the testing configuration loosens them for the other tests)."""
    from config import Config

    budgets = (Config.RATELIMIT_SIGN_IN_ACCOUNT, Config.RATELIMIT_SIGN_IN_ADDRESS)
    assert budgets == (f"{ACCOUNT_BUDGET} per 15 minutes", f"{ADDRESS_BUDGET} per 15 minutes")
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_ACCOUNT", Config.RATELIMIT_SIGN_IN_ACCOUNT)
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_ADDRESS", Config.RATELIMIT_SIGN_IN_ADDRESS)


def html_sign_in(app, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/login", data={"email": email, "password": password})


def api_sign_in(app, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/api/v1/tokens", json={"email": email, "password": password})


def retry_after(response) -> int:
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= 15 * 60, seconds
    return seconds


def test_a_conference_room_signs_in_then_one_account_is_guarded_html(app, make_user):
    members = [make_user(city=("pavia", "turku", "iasi")[i % 3]) for i in range(60)]
    started = time.monotonic()
    statuses = [html_sign_in(app, m.email).status_code for m in members]
    assert statuses == [302] * 60, "sixty members from one address all get in"
    assert time.monotonic() - started < 60

    target, other = members[0], members[1]
    guesses = [html_sign_in(app, target.email, WRONG) for _ in range(ACCOUNT_BUDGET)]
    assert [r.status_code for r in guesses] == [400] * ACCOUNT_BUDGET
    refused = html_sign_in(app, target.email, WRONG)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many failed sign-ins to this account" in page
    assert 'data-testid="login-form"' in page, "the message is shown at the form"
    retry_after(refused)
    # Even the right password waits: a refused guess must tell nothing.
    assert html_sign_in(app, target.email).status_code == 429
    # Spelled differently, it is the same account.
    assert html_sign_in(app, "  " + target.email.upper() + " ").status_code == 429
    assert html_sign_in(app, other.email).status_code == 302, "other accounts still sign in"
    assert html_sign_in(app, target.email, address="10.9.8.7").status_code == 429, (
        "the account's budget does not depend on the address"
    )


def test_a_conference_room_signs_in_then_one_account_is_guarded_api(app, make_user):
    members = [make_user(city="coimbra") for _ in range(60)]
    statuses = [api_sign_in(app, m.email).status_code for m in members]
    assert statuses == [201] * 60

    target = members[-1]
    guesses = [api_sign_in(app, target.email, WRONG).status_code for _ in range(ACCOUNT_BUDGET)]
    assert guesses == [401] * ACCOUNT_BUDGET
    refused = api_sign_in(app, target.email)
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert "Too many failed sign-ins to this account" in error["message"]
    retry_after(refused)
    assert api_sign_in(app, members[0].email).status_code == 201


def test_the_form_and_the_api_share_an_accounts_budget(app, make_user):
    user = make_user()
    for _ in range(3):
        html_sign_in(app, user.email, WRONG)
    for _ in range(ACCOUNT_BUDGET - 3):
        api_sign_in(app, user.email, WRONG)
    assert html_sign_in(app, user.email).status_code == 429
    assert api_sign_in(app, user.email).status_code == 429


def test_one_address_trying_many_accounts_is_stopped(app, make_user):
    member = make_user()
    for i in range(ADDRESS_BUDGET):
        # A different (unknown) account each time: no account's budget is ever spent.
        assert html_sign_in(app, f"guess{i}@example.org", WRONG).status_code == 400
    refused = html_sign_in(app, member.email)
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your network" in refused.get_data(as_text=True)
    retry_after(refused)
    api_refused = api_sign_in(app, member.email)
    assert api_refused.status_code == 429 and int(api_refused.headers["Retry-After"]) > 0
    assert html_sign_in(app, member.email, address="10.0.0.8").status_code == 302, (
        "another address has its own budget"
    )


def test_successful_sign_ins_do_not_count(app, make_user):
    user = make_user()
    for _ in range(ACCOUNT_BUDGET - 1):
        assert html_sign_in(app, user.email, WRONG).status_code == 400
    for _ in range(ADDRESS_BUDGET + 10):
        assert api_sign_in(app, user.email).status_code == 201
        assert html_sign_in(app, user.email).status_code == 302
    # Nor do they wipe the failures: a guesser does not get a fresh budget each time the
    # member (or their script) signs in.
    assert html_sign_in(app, user.email, WRONG).status_code == 400
    assert html_sign_in(app, user.email, WRONG).status_code == 429


def test_registration_keeps_its_own_limit(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_REGISTER", "2 per hour")
    statuses = [client.post("/register", data={}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


@pytest.fixture
def proxied_app(database_url):
    """The app as it runs behind one trusted proxy (LIVINGLAB_TRUSTED_PROXIES=1)."""
    from config import Config

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TRUSTED_PROXIES": 1,
            "RATELIMIT_SIGN_IN_ACCOUNT": Config.RATELIMIT_SIGN_IN_ACCOUNT,
            "RATELIMIT_SIGN_IN_ADDRESS": "3 per 15 minutes",
        },
    )
    yield app
    dispose(app)


def test_behind_a_trusted_proxy_each_real_client_has_its_own_budget(proxied_app, make_user):
    member = make_user()

    def attempt(forwarded_for: str, password: str = WRONG, email: str | None = None):
        client = proxied_app.test_client()
        client.environ_base["REMOTE_ADDR"] = "127.0.0.1"  # the proxy itself
        return client.post(
            "/login",
            data={"email": email or f"x{time.monotonic_ns()}@example.org", "password": password},
            headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
        )

    assert [attempt("203.0.113.5").status_code for _ in range(3)] == [400] * 3
    assert attempt("203.0.113.5", PASSWORD, member.email).status_code == 429
    assert attempt("198.51.100.7", PASSWORD, member.email).status_code == 302, (
        "another client behind the same proxy is not limited by the first"
    )
    # A client cannot escape by sending its own X-Forwarded-For: the proxy appends the real one
    # and only the rightmost (trusted) entry counts.
    assert attempt("10.1.1.1, 203.0.113.5", PASSWORD, member.email).status_code == 429


def test_without_trusted_proxies_a_forwarded_header_is_ignored(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN_ADDRESS", "3 per 15 minutes")
    member = make_user()
    client = app.test_client()
    for i in range(3):
        client.post(
            "/login",
            data={"email": f"spoof{i}@example.org", "password": WRONG},
            headers={"X-Forwarded-For": f"192.0.2.{i}"},
        )
    refused = client.post(
        "/login",
        data={"email": member.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "192.0.2.99"},
    )
    assert refused.status_code == 429, "a forged header must not buy a fresh budget"


SETTINGS = """
import json
from livinglab import create_app
app = create_app("development", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
environ = {}
def inner(env, start_response):
    environ.update(env)
    start_response("204 No Content", [])
    return [b""]
app.wsgi_app.app = inner  # behind ProxyFix: what the app would see
client = app.test_client()
client.get("/", headers={"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https",
                         "X-Forwarded-Host": "lab.example.org", "X-Forwarded-Port": "443"},
           environ_base={"REMOTE_ADDR": "127.0.0.1"})
print(json.dumps({"proxies": app.config["TRUSTED_PROXIES"], "uploads": app.config["UPLOAD_FOLDER"],
                  "addr": environ["REMOTE_ADDR"], "scheme": environ["wsgi.url_scheme"],
                  "host": environ["HTTP_HOST"]}))
"""


def test_the_environment_sets_the_proxies_and_the_upload_folder(tmp_path):
    env = {
        **os.environ,
        "LIVINGLAB_TRUSTED_PROXIES": "1",
        "LIVINGLAB_UPLOAD_DIR": str(tmp_path / "shared"),
    }
    env.pop("LIVINGLAB_CONFIG", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "proxies": 1,
        "uploads": str(tmp_path / "shared"),
        "addr": "198.51.100.7",
        "scheme": "https",
        "host": "lab.example.org:443",
    }
