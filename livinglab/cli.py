"""Command-line tasks: ``flask --app wsgi create-admin`` and ``flask --app wsgi seed-demo``."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from livinglab.errors import ServiceError
from livinglab.extensions import db


def register_cli(app: Flask) -> None:
    from livinglab.ops.cli import register_ops_cli

    register_ops_cli(app)  # backup, restore
    from livinglab.mail.cli import register_mail_cli

    register_mail_cli(app)  # deliver-mail, mail-outbox, mail-info

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", "display_name", prompt="Display name")
    @click.option(
        "--city",
        "city_slug",
        prompt="City slug (pavia, poitiers, coimbra, iasi, besancon, hildesheim, salamanca, turku)",
    )
    @click.password_option()
    def create_admin(email: str, display_name: str, city_slug: str, password: str) -> None:
        """Create an administrator account (the first one comes from here)."""
        from livinglab.accounts.services import create_admin as make_admin

        try:
            user = make_admin(
                email=email, password=password, display_name=display_name, city_slug=city_slug
            )
        except ServiceError as error:
            details = "; ".join(f"{k}: {v}" for k, v in error.fields.items()) or str(error.message)
            raise click.ClickException(details) from None
        click.echo(f"Administrator {user.email} created.")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no accounts yet.")
    def seed_demo(if_empty: bool) -> None:
        """Load the demo accounts and challenges (safe to run again)."""
        from livinglab.accounts.models import User
        from livinglab.demo import seed

        if if_empty and db.session.scalar(sa.select(sa.func.count(User.id))):
            click.echo("The database already has accounts; demo data not loaded.")
            return
        summary = seed()
        click.echo(
            f"Demo data ready: {summary['users']} accounts, {summary['challenges']} challenges, {summary['ideas']} ideas."
        )

    @app.cli.command("demo-accounts")
    def demo_accounts() -> None:
        """Print the demo accounts and their password."""
        from livinglab.demo import DEMO_PASSWORD, demo_account_lines

        click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for line in demo_account_lines():
            click.echo(f"  {line}")

    from livinglab.meetings.cli import register_commands as register_event_commands

    register_event_commands(app)  # event-reminders, erase-event-answers
