"""``flask --app wsgi backup PATH`` and ``flask --app wsgi restore PATH [--force]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask

from livinglab.ops.backup import BackupError, create_backup
from livinglab.ops.restore import restore_backup

_SHOWN = ("user", "challenge", "idea", "comment", "attachment")


def _summary(manifest: dict[str, Any]) -> str:
    counts = manifest["database"]["counts"]
    rows = ", ".join(f"{counts[name]} {name}" for name in _SHOWN if name in counts)
    return (
        f"{rows}; {manifest['uploads']['files']} upload files; "
        f"revision {manifest['database']['revision']}"
    )


def register_ops_cli(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(path_type=Path))
    def backup(path: Path) -> None:
        """Back up the database and the uploads into one .tar.gz (safe while serving)."""
        try:
            manifest = create_backup(path)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Backup written to {manifest['path']} in {manifest['seconds']} s:")
        click.echo(f"  {_summary(manifest)}")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a database that already has content.")
    def restore(path: Path, force: bool) -> None:
        """Restore a backup made by `backup` (stop the server first)."""
        try:
            manifest = restore_backup(path, force=force)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Restored {path} in {manifest['seconds_restore']} s:")
        click.echo(f"  {_summary(manifest)}")
        click.echo("Then run `flask --app wsgi db upgrade` if this release has newer migrations.")
