"""Where mail goes: SMTP from ``LIVINGLAB_SMTP_URL``, else files in a folder (Flask-Mailman).

``smtp://user:pass@host:587?starttls=1`` speaks STARTTLS on a plain connection;
``smtps://user:pass@host:465`` is TLS from the first byte. Without a URL every message is
written to ``MAIL_FILE_DIR`` (the instance folder's ``mail/``), so a city's IT can run the
platform before it has a relay and read what would have been sent.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask
from flask_mailman import Mail  # type: ignore[import-untyped]

mail = Mail()

_TRUE = {"1", "true", "yes", "on"}


def smtp_settings(url: str) -> dict[str, Any]:
    """Flask-Mailman's settings for an SMTP URL; a malformed URL stops the start with a
    message that never repeats the password."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps") or not parts.hostname:
        raise RuntimeError(
            "LIVINGLAB_SMTP_URL must look like smtp://user:password@host:587?starttls=1 "
            "or smtps://user:password@host:465"
        )
    query = {key.lower(): values[-1].lower() for key, values in parse_qs(parts.query).items()}
    starttls = scheme == "smtp" and query.get("starttls", "") in _TRUE
    try:
        port = parts.port
    except ValueError:
        raise RuntimeError("LIVINGLAB_SMTP_URL has a port that is not a number") from None
    default_port = 465 if scheme == "smtps" else 587 if starttls else 25
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": parts.hostname,
        "MAIL_PORT": port or default_port,
        "MAIL_USERNAME": unquote(parts.username) if parts.username else None,
        "MAIL_PASSWORD": unquote(parts.password) if parts.password else None,
        "MAIL_USE_TLS": starttls,
        "MAIL_USE_SSL": scheme == "smtps",
    }


def file_folder(app: Flask) -> str:
    return os.path.abspath(
        app.config.get("MAIL_FILE_DIR") or os.path.join(app.instance_path, "mail")
    )


def configure(app: Flask) -> None:
    """Turns the platform's mail settings into Flask-Mailman's and binds it to the app."""
    url = app.config.get("MAIL_SMTP_URL")
    if url:
        app.config.update(smtp_settings(url))
    else:
        app.config.update({"MAIL_BACKEND": "file", "MAIL_FILE_PATH": file_folder(app)})
    app.config["MAIL_TIMEOUT"] = app.config.get("MAIL_SMTP_TIMEOUT", 20)
    app.config["MAIL_DEFAULT_SENDER"] = app.config["MAIL_FROM"]
    mail.init_app(app)


def describe(app: Flask) -> str:
    """One line for the operator: where this process sends mail (no credentials)."""
    if app.config.get("MAIL_BACKEND") == "smtp":
        mode = "smtps" if app.config.get("MAIL_USE_SSL") else "smtp"
        tls = " with STARTTLS" if app.config.get("MAIL_USE_TLS") else ""
        return f"Mail: {mode}://{app.config['MAIL_SERVER']}:{app.config['MAIL_PORT']}{tls}"
    return f"Mail: written to {file_folder(app)} (set LIVINGLAB_SMTP_URL to send it)"


def connection() -> Any:
    """A fresh backend connection (opened on first send, closed by the caller)."""
    return mail.get_connection()
