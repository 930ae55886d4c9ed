"""Static files under versioned addresses, cached for a year; text answers compressed.

``url_for('static', filename='css/app.css')`` becomes ``/static/css/app.css?v=<hash of the
content>``: a new release changes the address of every file it changes, so browsers and proxies
may keep a file "forever" (``immutable``) and still never run last release's script against
this release's page. A request whose ``v`` is not the file's current hash (an old page during a
rolling upgrade, a hand-typed address) gets the file with a short lifetime instead.

Compression (Flask-Compress: brotli, else gzip) applies to HTML, CSS, JS, JSON, SVG and the other
text types past ``COMPRESS_MIN_SIZE`` bytes. Socket.IO traffic never reaches Flask's response
hooks (Engine.IO answers it, compressing its own polling answers), partial answers (206) and
``no-transform`` answers are left alone, and strong ETags get the encoding appended, so a cache
never confuses the compressed and the plain variant (``Vary: Accept-Encoding`` is on every answer).
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

from flask import Flask, Response, request
from flask_compress import Compress
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
LONG = f"public, max-age={YEAR}, immutable"
VERSION_ARG = "v"


class StaticVersions:
    """Content hashes of the static files, computed once per version of each file.

    A stat per lookup (microseconds) notices a file replaced in place without a restart;
    the file is read and hashed again only then.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._known: dict[str, tuple[int, int, str]] = {}
        self._lock = threading.Lock()

    def version(self, filename: str) -> str | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None  # a missing file: its address stays as it was, and answers 404
        with self._lock:
            known = self._known.get(filename)
        if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as file:
                for chunk in iter(lambda: file.read(65536), b""):
                    digest.update(chunk)
        except OSError:
            return None
        version = digest.hexdigest()[:12]
        with self._lock:
            self._known[filename] = (stat.st_mtime_ns, stat.st_size, version)
        return version


class _Compress(Compress):
    def after_request(self, response: Response | None) -> Response:
        if response is None:
            return super().after_request(response)
        if response.status_code == 206 or response.cache_control.no_transform:
            return response  # a byte range of the plain file must stay plain; no-transform says so
        original = response.response
        result = super().after_request(response)
        if result.response is not original and hasattr(original, "close"):
            # A streamed file is compressed by a generator that never closes the file itself.
            result.call_on_close(original.close)
        return result


def init_static(app: Flask) -> None:
    """Versioned static addresses and their cache lifetimes."""
    if not app.static_folder:
        return
    versions = StaticVersions(app.static_folder)
    app.extensions["livinglab_static_versions"] = versions
    short = int(app.config.get("STATIC_SHORT_MAX_AGE", 300))

    @app.url_defaults
    def _versioned(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and VERSION_ARG not in values and "filename" in values:
            version = versions.version(values["filename"])
            if version:
                values[VERSION_ARG] = version

    @app.after_request
    def _cache_lifetime(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 206, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        given = request.args.get(VERSION_ARG)
        if given and given == versions.version(filename):
            response.headers["Cache-Control"] = LONG
        else:
            response.headers["Cache-Control"] = f"public, max-age={short}"
        response.headers.pop("Expires", None)  # Cache-Control rules; no second clock to skew
        return response


def init_compression(app: Flask) -> None:
    """Flask-Compress with the platform's settings (config.py); off with LIVINGLAB_COMPRESS=off."""
    if not app.config.get("COMPRESS_ENABLED", True):
        return
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    # Brotli 5 beats gzip 6 on the pages and the CSS by 6-11 % in about a millisecond; brotli 4
    # (Flask-Compress's default) made the CSS larger than gzip did.
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    mimetypes = app.config.setdefault("COMPRESS_MIMETYPES", list(_COMPRESSED_TYPES))
    if not mimetypes:
        return
    # One Compress per app: its settings are read at init_app, and tests build many apps.
    app.extensions["livinglab_compress"] = _Compress(app)


_COMPRESSED_TYPES = (
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/calendar",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/problem+json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/manifest+json",
    "image/svg+xml",
)
