"""``python serve.py`` (what ``make run`` starts): migrate, seed an empty database, then serve,
in one process.

``make run`` used to start the app five times (upgrade, seed, two listings, gunicorn), each a
new Python process importing everything again: about 9.5 s before the first answer. Here the
app is imported once and gunicorn forks its worker from this process, so it starts warm. The
worker settings come from gunicorn.conf.py, the file every other server of the platform reads.
"""

from __future__ import annotations

import argparse
import runpy
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from gunicorn.app.base import BaseApplication

from livinglab import create_app
from livinglab.accounts.models import User
from livinglab.demo import DEMO_PASSWORD, demo_account_lines, seed
from livinglab.extensions import db
from livinglab.mail import backend

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
_SETTINGS = ("worker_class", "worker_connections", "workers", "graceful_timeout")


class _Gunicorn(BaseApplication):
    """Gunicorn serving an app that already exists, with options given here, not a file."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _forget_parent_connections(app: Flask) -> None:
    """A forked worker must not share the parent's database connections (SQLite or a socket
    to PostgreSQL): it keeps the pool's settings and opens its own."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def prepare_database(app: Flask, *, with_demo: bool) -> str:
    """The schema brought up to date, and the demo loaded when the database has no accounts."""
    with app.app_context():
        upgrade()
        if not with_demo or db.session.scalar(sa.select(sa.func.count(User.id))):
            return "The database already has accounts; demo data not loaded."
        summary = seed()
        db.session.remove()
        return (
            f"Demo data ready: {summary['users']} accounts, {summary['challenges']} challenges, "
            f"{summary['ideas']} ideas."
        )


def gunicorn_options(bind: str, app: Flask) -> dict[str, Any]:
    """gunicorn.conf.py's worker settings, this bind, and a fresh database pool per worker."""
    settings = runpy.run_path(str(GUNICORN_CONF))
    options = {key: settings[key] for key in _SETTINGS if key in settings}
    options["bind"] = bind
    options["post_fork"] = lambda _server, _worker: _forget_parent_connections(app)
    return options


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Migrate, seed an empty database, and serve.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--no-demo", action="store_true", help="Leave an empty database empty.")
    args = parser.parse_args(argv)
    app = create_app()
    print(prepare_database(app, with_demo=not args.no_demo))
    print(f"\n  Culture and Heritage Living Lab: http://{args.host}:{args.port}")
    if not args.no_demo:
        print(f"  Demo accounts (password for all: {DEMO_PASSWORD}):")
        for line in demo_account_lines():
            print(f"    {line}")
    print(f"  {backend.describe(app)}\n", flush=True)
    _forget_parent_connections(app)
    # A pause (patched: it yields) lets greenlets started while building the app, such as the
    # rate limiter's expiry timer, end here instead of waking up broken in the forked worker.
    time.sleep(0.05)
    _Gunicorn(app, gunicorn_options(f"{args.host}:{args.port}", app)).run()
