"""A real nginx in front of two app processes, with the site file shipped in
deploy/nginx/livinglab.conf: sticky Socket.IO (polling, then the WebSocket upgrade), broadcasts
across processes, sign-in limits per real client, shared uploads, static files and /healthz.

The test writes a small main nginx.conf of its own (logs, pid and temporary files in a
temporary folder, no root needed) that includes the shipped site file with only its ports and
static path replaced.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
import requests
import socketio
from PIL import Image
from requests.adapters import HTTPAdapter

from livinglab.demo import DEMO_PASSWORD
from tests.scaleout.conftest import (
    ROOT,
    free_port,
    start_gunicorn,
    stop,
    wait_until_healthy,
)
from tests.scaleout.test_two_processes import an_idea_room

NGINX = Path("/usr/sbin/nginx")
SITE = ROOT / "deploy" / "nginx" / "livinglab.conf"
ROUTE = "livinglab_route"

MAIN_CONF = """
{user}
daemon off;
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # Which app process served each request (the test's own log, not part of the site file).
    log_format upstreams '"$request" $status upstream=$upstream_addr';
    access_log {tmp}/access.log upstreams;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/livinglab.conf;
}}
"""


def site_config(port: int, backends: list[int], static: Path) -> str:
    """The shipped site file, its example ports and paths replaced by the test's."""
    text = SITE.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server 127.0.0.1:8001;": f"server 127.0.0.1:{backends[0]};",
        "server 127.0.0.1:8002;": f"server 127.0.0.1:{backends[1]};",
        "alias /srv/livinglab/app/static/;": f"alias {static}/;",
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, f"{SITE} no longer has {old!r} once: update this test"
        text = text.replace(old, new)
    return text


@dataclass
class Proxied:
    url: str  # nginx
    ports: list[int]  # the app processes'
    log: Path  # nginx's access log, with the app process of each request
    uploads: Path
    database_url: str

    def upstreams(self, marker: str, timeout: float = 5) -> set[str]:
        """Where nginx sent the requests whose line contains ``marker`` ("-": nowhere)."""
        deadline = time.monotonic() + timeout
        while True:  # a line is written when its request ends (a WebSocket: when it closes)
            text = self.log.read_text() if self.log.exists() else ""
            found = {line.rsplit("upstream=", 1)[1] for line in text.splitlines() if marker in line}
            if found or time.monotonic() > deadline:
                return found

    def served_by(self, marker: str) -> int:
        """Which app process (0 or 1) served every request containing ``marker``."""
        found = self.upstreams(marker)
        assert len(found) == 1, f"{marker!r} went to {found or 'no request'}"
        return self.ports.index(int(found.pop().rsplit(":", 1)[1]))

    def route_to(self, process: int) -> str:
        """A routing cookie value that nginx sends to that process."""
        for n in range(64):
            key = f"route-{process}-{n:02d}"  # never a prefix of another key
            browser(route=key).get(f"{self.url}/healthz?probe={key}", timeout=10)
            if self.served_by(f"probe={key}") == process:
                return key
        raise AssertionError(f"no route reaches process {process}")


def start_nginx(folder: Path, site: str) -> subprocess.Popen:
    """nginx on the test's main configuration, including ``site``; checked with -t first."""
    if not NGINX.exists():
        pytest.fail(f"{NGINX} is missing: `make nginx` installs Debian's package")
    (folder / "livinglab.conf").write_text(site)
    # Workers of a root master would run as nobody, who cannot read the test's folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(MAIN_CONF.format(user=user, tmp=folder))
    command = [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf")]
    command += ["-e", str(folder / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)  # noqa: S603
    assert checked.returncode == 0, checked.stderr
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


@pytest.fixture(scope="module")
def proxied(scaleout_env, tmp_path_factory) -> Iterator[Proxied]:
    """nginx with the shipped site file, two gunicorn processes behind it (one trusted proxy).

    Shared by the tests of this file: each marks its requests with markers of its own.
    """
    tmp_path = tmp_path_factory.mktemp("nginx")
    uploads = tmp_path / "uploads"
    env = {
        **scaleout_env,
        "LIVINGLAB_TRUSTED_PROXIES": "1",
        "LIVINGLAB_UPLOAD_DIR": str(uploads),
    }
    ports = [free_port(), free_port()]
    app_log = tmp_path / "app.log"
    processes = [start_gunicorn(env, port, app_log) for port in ports]
    nginx: subprocess.Popen | None = None
    try:
        wait_until_healthy([f"http://127.0.0.1:{port}" for port in ports])
        port = free_port()
        nginx = start_nginx(tmp_path, site_config(port, ports, ROOT / "static"))
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy([url])
        yield Proxied(url, ports, tmp_path / "access.log", uploads, env["LIVINGLAB_DATABASE_URL"])
    finally:
        if nginx is not None:
            stop([nginx])
        stop(processes)


def uncomment_https(site: str) -> str:
    """The site with its commented HTTPS directives uncommented (not the explanations)."""
    lines = []
    for line in site.splitlines():
        text = line.strip().removeprefix("#").strip()
        directive = line.strip().startswith("# ") and text.endswith((";", "{", "}"))
        lines.append(line.replace("# ", "", 1) if directive else line)
    return "\n".join(lines) + "\n"


def test_the_https_lines_work_once_uncommented(tmp_path):
    """The commented HTTPS block, uncommented as docs/deploy.md says, with a certificate."""
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(  # noqa: S603
        ["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=lab.example.org", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    site = uncomment_https(site_config(http_port, [free_port(), free_port()], ROOT / "static"))
    for old, new in {
        "listen 443 ssl": f"listen 127.0.0.1:{https_port} ssl",
        "/etc/letsencrypt/live/lab.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/lab.example.org/privkey.pem": str(key),
    }.items():
        assert site.count(old) == 1, old
        site = site.replace(old, new)
    nginx = start_nginx(tmp_path, site)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                plain = requests.get(
                    f"http://127.0.0.1:{http_port}/static/css/app.css?x=1",
                    timeout=5,
                    allow_redirects=False,
                )
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        assert plain.status_code == 301, "plain HTTP only redirects"
        assert plain.headers["Location"] == "https://127.0.0.1/static/css/app.css?x=1"
        secure = requests.get(
            f"https://127.0.0.1:{https_port}/static/css/app.css",
            timeout=5,
            verify=str(cert),
        )
        assert secure.status_code == 200
        assert secure.content == (ROOT / "static" / "css" / "app.css").read_bytes()
    finally:
        stop([nginx])


class SourceAddress(HTTPAdapter):
    """Connections from a given loopback address (Linux routes all of 127/8 to lo)."""

    def __init__(self, address: str) -> None:
        self.address = address  # before super().__init__, which makes the pool
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def browser(route: str | None = None, address: str = "127.0.0.1") -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAddress(address))
    if route:
        session.cookies.set(ROUTE, route)
    return session


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = value.group(1) if value else ""
    return fields


def sign_in(session: requests.Session, base: str, email: str) -> requests.Response:
    page = session.get(f"{base}/login", timeout=10).text
    return session.post(
        f"{base}/login",
        data={**hidden_fields(page), "email": email, "password": DEMO_PASSWORD},
        timeout=30,
        allow_redirects=False,
    )


def socket_for(
    session: requests.Session, base: str, probe: str
) -> tuple[socketio.Client, list, threading.Event]:
    """A Socket.IO client on this browser's cookies: polling first, then the upgrade.

    Every request of the connection carries ``probe=<probe>`` (the handshake has no sid yet).
    """
    received: list[dict] = []
    arrived = threading.Event()
    sio = socketio.Client(reconnection=False, http_session=session)

    @sio.on("comment.created")
    def _created(data):
        received.append(data)
        arrived.set()

    sio.connect(f"{base}/?probe={probe}", transports=["polling", "websocket"], wait_timeout=10)
    return sio, received, arrived


def test_static_files_and_health_go_through_nginx(proxied):
    health = browser().get(f"{proxied.url}/healthz?probe=health", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    proxied.served_by("probe=health")

    css = browser().get(f"{proxied.url}/static/css/app.css?probe=static", timeout=10)
    assert css.status_code == 200
    assert css.content == (ROOT / "static" / "css" / "app.css").read_bytes()
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert css.headers["Cache-Control"] == "no-cache", "an unversioned address is revalidated"
    assert proxied.upstreams("probe=static") == {"-"}, "served by nginx itself, not the app"

    # The address a page links (versioned by the app): kept by browsers, and it is the file.
    page = browser().get(f"{proxied.url}/", timeout=10).text
    linked = re.search(r'href="(/static/css/app\.css[^"]*)"', page).group(1)
    versioned = browser().get(f"{proxied.url}{linked.replace('&amp;', '&')}", timeout=10)
    assert versioned.status_code == 200
    assert versioned.content == (ROOT / "static" / "css" / "app.css").read_bytes()
    assert "?v=" in linked and "immutable" in versioned.headers["Cache-Control"]


def test_a_browser_sticks_to_one_process_through_polling_and_the_upgrade(proxied):
    session = browser()
    home = session.get(f"{proxied.url}/", timeout=10)
    assert home.status_code == 200
    assert session.cookies.get(ROUTE), "nginx hands out the routing cookie"
    again = session.get(f"{proxied.url}/", timeout=10)
    assert ROUTE not in again.headers.get("Set-Cookie", ""), "and only once"
    for n in range(6):
        session.get(f"{proxied.url}/healthz?probe=sticky-{n}", timeout=10)
    assert {proxied.served_by(f"probe=sticky-{n}") for n in range(6)} == {
        proxied.served_by("probe=sticky-0")
    }

    sio, _seen, _event = socket_for(session, proxied.url, "sock-sticky")
    try:
        # The WebSocket names the session the polling handshake opened: a process that did
        # not open it refuses the upgrade, and the client would stay on polling.
        assert sio.transport() == "websocket", "the upgrade went through nginx"
        assert sio.call("join", {"room": an_idea_room(proxied.url)}, timeout=10)["ok"] is True
    finally:
        sio.disconnect()
    upgrade = proxied.served_by("probe=sock-sticky&transport=websocket")
    assert proxied.served_by("probe=sock-sticky&transport=polling") == upgrade
    assert proxied.served_by("probe=sock-sticky") == upgrade, "one process, every request"


def test_a_comment_through_one_process_reaches_a_watcher_on_the_other(proxied):
    first, second = proxied.route_to(0), proxied.route_to(1)
    poster_browser = browser(first)
    assert (
        sign_in(poster_browser, proxied.url, "participant.coimbra@demo.livinglab.eu").status_code
        == 302
    )
    room = an_idea_room(proxied.url)
    poster, poster_seen, poster_event = socket_for(poster_browser, proxied.url, "poster")
    watcher, watcher_seen, watcher_event = socket_for(browser(second), proxied.url, "watcher")
    try:
        assert proxied.served_by("probe=poster&transport=polling") == 0
        assert proxied.served_by("probe=watcher&transport=polling") == 1
        assert poster.transport() == watcher.transport() == "websocket"
        assert watcher.call("join", {"room": room}, timeout=10)["ok"] is True
        assert poster.call("join", {"room": room}, timeout=10)["ok"] is True
        ack = poster.call("comment.create", {"room": room, "body": "Through nginx"}, timeout=10)
        assert ack["ok"] is True, ack
        assert watcher_event.wait(10), "the watcher on the other process heard nothing"
        assert poster_event.wait(10)
        assert [c["id"] for c in watcher_seen] == [ack["comment"]["id"]]
        assert [c["id"] for c in poster_seen] == [ack["comment"]["id"]]
    finally:
        poster.disconnect()
        watcher.disconnect()


def test_sign_in_limits_count_per_real_client(proxied):
    """127.0.0.2 spends its failure budget (through both processes); 127.0.0.3 is not touched."""
    routes = [proxied.route_to(0), proxied.route_to(1)]
    budget = 50  # config.Config.RATELIMIT_SIGN_IN_ADDRESS

    def fail(n: int) -> int:
        response = browser(routes[n % 2], "127.0.0.2").post(
            f"{proxied.url}/api/v1/tokens",
            json={"email": f"guess{n}@example.org", "password": "not the password"},
            timeout=30,
        )
        return response.status_code

    statuses: list[int] = []
    workers = [
        threading.Thread(target=lambda k=k: statuses.extend(fail(n) for n in range(k, budget, 10)))
        for k in range(10)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(statuses) == [401] * budget

    member = "expert.turku@demo.livinglab.eu"
    for route in routes:
        refused = sign_in(browser(route, "127.0.0.2"), proxied.url, member)
        assert refused.status_code == 429
        assert "Too many failed sign-ins from your network" in refused.text
        assert int(refused.headers["Retry-After"]) > 0
    api = browser(routes[1], "127.0.0.2").post(
        f"{proxied.url}/api/v1/tokens",
        json={"email": member, "password": DEMO_PASSWORD},
        timeout=30,
    )
    assert api.status_code == 429 and api.json()["error"]["code"] == "rate_limited"
    assert int(api.headers["Retry-After"]) > 0

    for route in routes:
        assert sign_in(browser(route, "127.0.0.3"), proxied.url, member).status_code == 302, (
            "another client behind the same proxy signs in"
        )
    logged = (proxied.log.parent / "app.log").read_text()
    assert [line for line in logged.splitlines() if "/login" in line and "127.0.0.3" in line], (
        "the app's own log names the real client"
    )


def open_challenge(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT id FROM challenge WHERE phase = 'open' AND hidden_at IS NULL ORDER BY id"
        ).fetchone()
    assert row, "the demo data has an open challenge"
    return row[0]


def noise_png(size: tuple[int, int] = (720, 720)) -> bytes:
    """About 1.5 MB: above nginx's default body limit (1 MB), so client_max_body_size counts."""
    out = BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def test_a_file_uploaded_through_one_process_is_served_by_the_other(proxied):
    first, second = proxied.route_to(0), proxied.route_to(1)
    session = browser(first)
    assert (
        sign_in(session, proxied.url, "participant.salamanca@demo.livinglab.eu").status_code == 302
    )
    challenge = open_challenge(proxied.database_url)
    form_url = f"{proxied.url}/challenges/{challenge}/ideas/new"
    page = session.get(form_url, timeout=10).text
    image = noise_png()
    assert len(image) > 1024 * 1024
    submitted = session.post(
        f"{form_url}?probe=upload",
        data={
            **hidden_fields(page),
            "title": "Lantern walks through nginx",
            "summary": "A file crosses processes.",
            "body": "The image was sent to one process and is read by the other.",
            "language": "en",
        },
        files={"attachments": ("lanterns.png", image, "image/png")},
        timeout=60,
        allow_redirects=False,
    )
    assert submitted.status_code == 302, submitted.text[:2000]
    assert proxied.served_by("probe=upload") == 0
    idea_page = session.get(f"{proxied.url}{submitted.headers['Location']}", timeout=10).text
    link = re.search(r'href="(/files/\d+/[^"]+)"', idea_page).group(1)
    assert any(proxied.uploads.rglob("*.png")), "stored in LIVINGLAB_UPLOAD_DIR"

    session.cookies.set(ROUTE, second)  # the same member, now routed to the other process
    served = session.get(f"{proxied.url}{link}", timeout=10)
    assert served.status_code == 200, served.text[:500]
    assert Image.open(BytesIO(served.content)).size == (720, 720)
    assert proxied.served_by(link) == 1
