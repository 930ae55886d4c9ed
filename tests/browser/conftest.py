"""A real server in a thread, its own SQLite database, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from livinglab import create_app
from tests.conftest import dispose, reset_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            # Chromium drops requests it no longer needs (a favicon, a prefetch); the test
            # server's thread then leaves that static file to the garbage collector, which may
            # close it during any later test. It is the test server's, not the app's, so it is
            # no error here (every other test still fails on an unclosed file).
            item.add_marker(
                pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
            )


@pytest.fixture(scope="session")
def mail_sink():
    """A real SMTP server (aiosmtpd) receiving what the live server's mail worker sends."""
    from tests.smtp import smtp_server

    with smtp_server() as (sink, port):
        sink.port = port  # type: ignore[attr-defined]
        yield sink


# The app behind each live server, for a test that reads (or dates) what the browser did.
LIVE_APPS: dict[str, Flask] = {}


@pytest.fixture(scope="session")
def live_app(live_server: str) -> Flask:
    return LIVE_APPS[live_server]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, mail_sink) -> Iterator[str]:
    """The platform served over HTTP (Socket.IO included), with CSRF on as in production."""
    db_file = tmp_path_factory.mktemp("browser") / "browser.sqlite3"
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}",
            "WTF_CSRF_ENABLED": True,
            # Many people sign in from one address here: the limits stay on, only wider.
            "RATELIMIT_SIGN_IN_ACCOUNT": "200 per minute",
            "RATELIMIT_SIGN_IN_ADDRESS": "200 per minute",
            "RATELIMIT_REGISTER": "200 per hour",
            # Its mail worker runs as in production: a thread sending to the test's SMTP server.
            "MAIL_SMTP_URL": f"smtp://127.0.0.1:{mail_sink.port}",
            "MAIL_WORKER_THREAD": True,
            "MAIL_POLL_SECONDS": 0.2,
        },
    )
    reset_database(app)
    with app.app_context():
        from livinglab.demo import seed

        seed()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    LIVE_APPS[url] = app
    yield url
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    dispose(app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's Chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server: str):
    """``new_page(width=1280)``: a page in a fresh browser context (its own cookies)."""
    contexts = []

    def open_page(width: int = 1280, height: int = 900) -> Page:
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def confirm(page: Page) -> None:
    """Answers yes to the confirmation a page asks before a public or irreversible action
    (``data-confirm`` forms, static/js/app.js), after checking it was asked."""
    dialog = page.get_by_role("alertdialog")
    dialog.wait_for(state="visible")
    dialog.locator('[data-answer="confirm"]').click()


# Awaits the page's Socket.IO connection. page.wait_for_function would need eval(), which the
# Content-Security-Policy forbids (it fails unless already true); evaluate() is CSP-exempt.
_LIVE = """() => new Promise((resolve, reject) => {
  const ready = () => {
    const socket = window.livinglabSocket;
    if (!socket) { reject(new Error("no socket on this page")); return; }
    if (socket.connected) { resolve(true); } else { socket.once("connect", () => resolve(true)); }
  };
  setTimeout(() => reject(new Error("the socket did not connect within 10 s")), 10000);
  // Deferred scripts (app.js makes the socket) have run once the document is complete.
  if (document.readyState === "complete") { ready(); } else { addEventListener("load", ready); }
})"""


def wait_for_live(page: Page) -> None:
    """Returns once the page's live connection is up (rooms are joined on connect)."""
    page.evaluate(_LIVE)
