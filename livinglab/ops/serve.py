"""``flask --app wsgi serve``: migrate, seed an empty database, then serve, in one process.

``make run`` used to start the app five times (upgrade, seed, two listings, gunicorn), each a
new Python process importing everything again: about 9.5 s before the first answer. Here the
app is imported once; gunicorn forks its worker from this process, so the worker starts warm.
"""

from __future__ import annotations

from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask_migrate import upgrade
from gunicorn.app.base import BaseApplication

from livinglab.accounts.models import User
from livinglab.demo import DEMO_PASSWORD, demo_account_lines, seed
from livinglab.extensions import db
from livinglab.mail import backend


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


def register_serve_cli(app: Flask) -> None:
    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True)
    @click.option("--threads", default=200, show_default=True, help="Threads of the worker.")
    @click.option("--demo/--no-demo", default=True, help="Seed the demo into an empty database.")
    def serve(host: str, port: int, threads: int, demo: bool) -> None:
        """Migrate, seed an empty database with the demo, and serve with gunicorn."""
        flask_app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        click.echo(prepare_database(flask_app, with_demo=demo))
        click.echo(f"\n  Culture and Heritage Living Lab: http://{host}:{port}")
        click.echo(f"  Demo accounts (password for all: {DEMO_PASSWORD}):")
        for line in demo_account_lines():
            click.echo(f"    {line}")
        click.echo(f"  {backend.describe(flask_app)}\n")
        _forget_parent_connections(flask_app)
        options = {
            "bind": f"{host}:{port}",
            "workers": 1,
            "threads": threads,
            "post_fork": lambda _server, _worker: _forget_parent_connections(flask_app),
        }
        _Gunicorn(flask_app, options).run()
