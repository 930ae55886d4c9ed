"""Security headers on every response: a strict Content-Security-Policy, no framing, no sniffing.

Pages carry no inline script, no inline event handler and no ``style`` attribute (the behaviour
lives in ``static/js``, the looks in ``static/css``), so the policy allows scripts and styles
from this origin only: an injected ``<script>`` or ``onclick=`` never runs, and no other site
can frame a page to trick a member into a one-click action (vote, approve, hide).
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

# Every response: the browser must not guess types, frame us, or hand our address elsewhere.
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # frame-ancestors supersedes it; kept for browsers (and scanners) that only know this one.
    "X-Frame-Options": "DENY",
    # The platform must not leak visitors to third parties, not even which page they came from.
    "Referrer-Policy": "same-origin",
    # Nothing here needs these devices or sensors; an injected or framed script gets none either.
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    # A page opened from another site cannot script this window (window.opener), nor we theirs.
    "Cross-Origin-Opener-Policy": "same-origin",
    # Other sites may not embed our files (an uploaded image, a JSON answer) as no-cors reads.
    "Cross-Origin-Resource-Policy": "same-origin",
}

PAGE_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
# JSON, CSV, static files: nothing in them should ever load or run anything, nor be framed.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"

# A Host header the policy may repeat; anything else (an attacker's Host with ';') is left out.
_HOST = re.compile(r"[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?")
HSTS = "max-age=31536000; includeSubDomains"


def init_security(app: Flask) -> None:
    """Registers the headers for every response of the app (pages, API, static files, uploads)."""
    hsts = app.config.get("HSTS_HEADER")
    if hsts is None:
        # Secure cookies mean the deployment is HTTPS-only (production); HSTS makes browsers
        # hold to that. Over plain HTTP (development, tests) it would lock a host out.
        hsts = HSTS if app.config.get("SESSION_COOKIE_SECURE") else ""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in COMMON_HEADERS.items():
            headers.setdefault(name, value)
        if hsts:
            headers.setdefault("Strict-Transport-Security", hsts)
        # A view that set its own policy (uploads: a sandbox) keeps it.
        if "Content-Security-Policy" not in headers:
            is_page = response.mimetype == "text/html"
            headers["Content-Security-Policy"] = page_policy() if is_page else OTHER_POLICY
        return response


def page_policy() -> str:
    """The policy of HTML pages; connect-src names this host's WebSocket addresses explicitly
    because older Safari versions do not count ws:/wss: as 'self' (CSP3 does; Chromium too)."""
    connect = "connect-src 'self'"
    host = request.host
    if _HOST.fullmatch(host):
        connect += f" ws://{host} wss://{host}"
    return "; ".join((*PAGE_POLICY[:5], connect, *PAGE_POLICY[5:]))
