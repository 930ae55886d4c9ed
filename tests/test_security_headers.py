"""Security headers: a strict CSP on pages, no framing and no sniffing on every response."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from livinglab import create_app
from livinglab.accounts.models import Role
from livinglab.extensions import db
from livinglab.ideas.models import IdeaAttachment
from livinglab.uploads.services import store_upload
from tests.conftest import dispose
from tests.factories import make_challenge, make_idea

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def policy_of(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}; one header, no duplicates."""
    assert len(response.headers.getlist("Content-Security-Policy")) == 1
    directives: dict[str, list[str]] = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = sources
    return directives


def assert_common_headers(response) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    permissions = {p.strip() for p in headers["Permissions-Policy"].split(",")}
    assert {"camera=()", "microphone=()", "geolocation=()"} <= permissions
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert policy_of(response)["frame-ancestors"] == ["'none'"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP here: see the HSTS test


def assert_strict_page_policy(response) -> None:
    assert response.mimetype == "text/html"
    assert_common_headers(response)
    csp = policy_of(response)
    assert csp["default-src"] == ["'self'"]
    # No inline script or style of any kind, no eval: only this origin's files.
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["img-src"] == ["'self'"]
    # The live discussion's WebSocket to this host, and nothing else.
    assert csp["connect-src"] == ["'self'", "ws://localhost", "wss://localhost"]
    assert "unsafe" not in response.headers["Content-Security-Policy"]


@pytest.fixture
def world(app, make_user):
    """A challenge with an idea that shows an image, and a member of each kind."""
    author = make_user()
    with app.test_request_context():
        challenge_id = make_challenge(title="Fresco adoption")
        idea_id = make_idea(challenge_id, author.id, title="Adopt a fresco")
        out = BytesIO()
        Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
        file = FileStorage(BytesIO(out.getvalue()), filename="fresco.png")
        attachment = store_upload(file, author.id)
        db.session.flush()
        db.session.add(IdeaAttachment(idea_id=idea_id, attachment_id=attachment.id))
        db.session.commit()
        return {"challenge": challenge_id, "idea": idea_id, "attachment": attachment.id}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def test_public_pages_carry_the_strict_policy(client, world):
    for url in (
        "/",
        "/challenges/",
        f"/challenges/{world['challenge']}",
        f"/ideas/{world['idea']}",
        "/pilots",
        "/good-practices",
        "/decisions",
        "/open-data",
        "/cities/pavia",
        "/login",
        "/register",
        "/search",
        "/api/v1/docs",
    ):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert_strict_page_policy(response)


def test_member_and_admin_pages_carry_the_strict_policy(login_as):
    member, _ = login_as()
    for url in ("/profile", "/activity", "/notifications/", "/profile/tokens", "/challenges/new"):
        response = member.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert_strict_page_policy(response)
    admin, _ = login_as(Role.admin)
    for url in ("/admin/", "/admin/members", "/admin/audit", "/moderation"):
        response = admin.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert_strict_page_policy(response)


def test_error_pages_carry_the_strict_policy(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert_strict_page_policy(response)


def test_api_answers_are_neither_sniffed_nor_framed(client, world):
    for url in (
        "/api/v1/cities",
        f"/api/v1/ideas/{world['idea']}",
        "/api/v1/openapi.json",
        "/api/v1/ideas/999999",  # an error answer too
    ):
        response = client.get(url)
        assert response.mimetype == "application/json", url
        assert_common_headers(response)
        # JSON opened as a document loads and runs nothing.
        assert policy_of(response)["default-src"] == ["'none'"]


def test_static_files_are_neither_sniffed_nor_framed(client):
    for url in (
        "/static/css/app.css",
        "/static/js/app.js",
        "/static/js/discussion.js",
        "/static/vendor/socket.io/socket.io.min.js",
        "/static/img/favicon.svg",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_common_headers(response)
        response.close()


def test_uploaded_files_are_sandboxed_and_neither_sniffed_nor_framed(client, world):
    for url in (f"/files/{world['attachment']}/fresco.png", f"/files/{world['attachment']}/thumb"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_common_headers(response)
        assert "sandbox" in policy_of(response)
        assert policy_of(response)["default-src"] == ["'none'"]
        response.close()


def test_a_forged_host_header_never_reaches_the_policy(client):
    response = client.get("/", headers={"Host": "evil.example; script-src *"})
    csp = response.headers["Content-Security-Policy"]
    assert "evil" not in csp and "*" not in csp
    assert policy_of(response)["script-src"] == ["'self'"]


def test_a_view_s_own_policy_is_kept(client, world):
    # The uploads view sets a sandbox; the page policy must not replace it (nor be added twice).
    response = client.get(f"/files/{world['attachment']}/thumb")
    assert policy_of(response)["sandbox"] == []
    response.close()


def test_https_deployments_send_hsts_and_plain_http_ones_do_not(database_url, tmp_path):
    secure = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": database_url, "SESSION_COOKIE_SECURE": True}
    )
    try:
        hsts = secure.test_client().get("/healthz").headers["Strict-Transport-Security"]
        assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
        assert int(hsts.split("=")[1].split(";")[0]) >= 180 * 24 * 3600
    finally:
        dispose(secure)


def _inline_code_in(source: str) -> list[str]:
    """Markup the policy would block: inline scripts, handlers, javascript: URLs, styles."""
    found = []
    found += re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", source)
    found += re.findall(r"\son[a-z]+\s*=", source)
    found += re.findall(r"javascript:", source, flags=re.IGNORECASE)
    found += re.findall(r"\sstyle\s*=", source)
    found += re.findall(r"<style\b", source)
    return found


def test_no_template_holds_inline_script_or_style():
    offenders = {}
    for path in TEMPLATES.rglob("*.html"):
        # Jinja comments may talk about what is forbidden; only markup counts.
        source = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        if found := _inline_code_in(source):
            offenders[str(path.relative_to(TEMPLATES))] = found
    assert offenders == {}


def test_the_guard_itself_catches_inline_code():
    for markup in (
        "<script>alert(1)</script>",
        '<button onclick="vote()">',
        '<a href="javascript:void(0)">',
        '<span style="width: 3%">',
        "<style>p{}</style>",
    ):
        assert _inline_code_in(markup), markup
    assert _inline_code_in('<script src="/static/js/app.js" defer></script>') == []
