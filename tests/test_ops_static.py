"""Versioned static addresses, their cache lifetimes, and compression (livinglab.ops.static)."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli
import pytest
from flask import Flask, url_for

from livinglab.ops.static import StaticVersions

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"
YEAR = "public, max-age=31536000, immutable"


def get(client, *args, **kwargs):
    """The whole answer, its file closed (a static file left open warns, and fails the test)."""
    response = client.get(*args, **kwargs)
    response.get_data()
    response.close()
    return response


def version_of(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def test_static_addresses_carry_the_content_hash(app: Flask):
    with app.test_request_context():
        address = url_for("static", filename="css/app.css")
    assert address == f"/static/css/app.css?v={version_of('css/app.css')}"


def test_pages_link_versioned_files(client):
    page = get(client, "/").get_data(as_text=True)
    for name in ("css/app.css", "js/app.js", "img/favicon.svg"):
        assert f"/static/{name}?v={version_of(name)}" in page, name
    # Nothing under /static/ is linked without its version.
    assert not re.search(r"/static/[^\"'?]+[\"']", page)


def test_templates_link_static_files_through_url_for():
    """A hard-coded /static/ address would miss the version, and stay cached forever-stale."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"""["'(]/static/""", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_a_missing_file_keeps_a_plain_address(app: Flask):
    with app.test_request_context():
        assert url_for("static", filename="css/none.css") == "/static/css/none.css"


def test_the_version_follows_the_content(tmp_path: Path):
    (tmp_path / "a.css").write_text("body { color: red }")
    versions = StaticVersions(str(tmp_path))
    first = versions.version("a.css")
    assert first == versions.version("a.css")
    (tmp_path / "a.css").write_text("body { color: blue; }")  # another size, another mtime
    second = versions.version("a.css")
    assert second and second != first
    assert second == hashlib.sha256(b"body { color: blue; }").hexdigest()[:12]
    assert versions.version("../a.css") is None and versions.version("none.css") is None


def test_a_versioned_file_is_cached_for_a_year(client):
    response = get(client, f"/static/css/app.css?v={version_of('css/app.css')}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == YEAR
    assert "Expires" not in response.headers


@pytest.mark.parametrize("query", ["", "?v=0123456789ab", "?v="])
def test_an_unversioned_or_stale_address_is_cached_briefly(client, query):
    response = get(client, f"/static/css/app.css{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_a_missing_static_file_is_a_plain_404(client):
    response = get(client, "/static/css/none.css?v=0123456789ab")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


# --- Compression ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_text_files_are_compressed_and_decompress_to_the_file(client, encoding, decode):
    plain = (STATIC / "css/app.css").read_bytes()
    response = get(
        client,
        f"/static/css/app.css?v={version_of('css/app.css')}",
        headers={"Accept-Encoding": encoding},
    )
    assert response.headers["Content-Encoding"] == encoding
    body = response.get_data()
    assert decode(body) == plain
    assert len(body) < len(plain) / 3
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Cache-Control"] == YEAR
    # The compressed variant has its own strong ETag: no cache mixes the two up.
    assert response.headers["ETag"].endswith(f':{encoding}"')


def test_brotli_is_preferred_and_identity_is_honoured(client):
    both = get(client, "/static/js/app.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert both.headers["Content-Encoding"] == "br"
    plain = get(client, "/static/js/app.js", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == (STATIC / "js/app.js").read_bytes()
    assert "Accept-Encoding" in plain.headers["Vary"]


def test_a_compressed_file_answers_its_own_etag_with_304(client):
    address = f"/static/css/app.css?v={version_of('css/app.css')}"
    headers = {"Accept-Encoding": "br"}
    etag = get(client, address, headers=headers).headers["ETag"]
    again = get(client, address, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["Cache-Control"] == YEAR


def test_pages_are_compressed_and_keep_their_security_headers(client):
    plain = get(client, "/", headers={"Accept-Encoding": "identity"})
    packed = get(client, "/", headers={"Accept-Encoding": "br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert len(packed.get_data()) < len(plain.get_data()) / 2
    assert brotli.decompress(packed.get_data()).startswith(b"<!doctype html>")
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert packed.headers[name] == plain.headers[name]
    assert "frame-ancestors 'none'" in packed.headers["Content-Security-Policy"]


def test_tiny_answers_are_not_compressed(client):
    # /healthz is a few bytes, the favicon 236: compressing them costs more than it saves.
    for path in ("/healthz", "/static/img/favicon.svg"):
        response = get(client, path, headers={"Accept-Encoding": "br, gzip"})
        assert "Content-Encoding" not in response.headers, path


def test_a_byte_range_is_served_plain(client):
    response = get(
        client, "/static/css/app.css", headers={"Accept-Encoding": "br", "Range": "bytes=0-99"}
    )
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (STATIC / "css/app.css").read_bytes()[:100]


def test_socket_io_is_not_compressed_by_the_app(client):
    response = get(
        client, "/socket.io/?EIO=4&transport=polling", headers={"Accept-Encoding": "br, gzip"}
    )
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") in (None, "gzip")  # Engine.IO's own, if any
    assert "X-Request-ID" not in response.headers  # never reached the app's response hooks


def test_a_compressed_file_is_closed_with_its_answer(client, recwarn):
    """The compressing generator replaces the file in the answer; closing the answer must still
    close the file (else every compressed download leaks a descriptor until the next GC)."""
    import gc

    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    response.get_data()
    response.close()
    del response
    gc.collect()
    leaks = [w for w in recwarn.list if issubclass(w.category, ResourceWarning)]
    assert leaks == []


def test_static_files_do_not_vary_by_cookie(login_as):
    """A member's cookie must not make a shared cache keep one copy per member."""
    client, _user = login_as("participant")
    page = client.get("/")
    assert "Cookie" in page.headers["Vary"]  # pages do depend on who asks
    response = get(client, f"/static/css/app.css?v={version_of('css/app.css')}")
    assert response.status_code == 200
    assert response.headers["Vary"] == "Accept-Encoding"
    assert "Set-Cookie" not in response.headers


def test_compression_can_be_left_to_a_proxy(app, database_url):
    """LIVINGLAB_COMPRESS=off: nginx in front compresses; the app sends plain answers."""
    from livinglab import create_app
    from livinglab.setup import bind_socketio

    plain = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": database_url, "COMPRESS_ENABLED": False}
    )
    try:
        response = get(
            plain.test_client(), "/static/css/app.css", headers={"Accept-Encoding": "br"}
        )
    finally:
        bind_socketio(app)
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (STATIC / "css/app.css").read_bytes()
