"""Restoring an archive made by livinglab.ops.backup (``flask --app wsgi restore PATH``).

Refuses an archive made by newer code (its revision is unknown to these migrations) and a
database with content unless forced; restores the database (SQLite: the online backup API into
the configured file; PostgreSQL: ``pg_restore --clean --if-exists``'s script, run by psql in one
transaction), then swaps the upload folder, and checks the restored counts against the
manifest. Stop the server first: its caches and open transactions would not follow.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app

from livinglab.extensions import db
from livinglab.ops.backup import (
    CONTENT_TABLES,
    FORMAT,
    MANIFEST,
    UPLOADS,
    BackupError,
    count_rows,
    libpq,
    run,
    sqlite_file,
    tool,
    upload_files,
    upload_folder,
)


def restore_backup(source: Path, force: bool = False) -> dict[str, Any]:
    """Replaces the database and the upload folder with the archive's; returns the manifest."""
    started = time.monotonic()
    try:
        tar = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{source} is not a backup archive: {error}") from None
    with tar:
        manifest = read_manifest(tar)
        _check_revision(manifest["database"].get("revision"))
        dialect = db.engine.dialect.name
        if manifest["database"]["dialect"] != dialect:
            raise BackupError(
                f"The archive holds a {manifest['database']['dialect']} database; "
                f"this platform is configured for {dialect}."
            )
        content = target_content()
        if not force and any(content.values()):
            found = ", ".join(f"{n} {name}" for name, n in content.items() if n)
            raise BackupError(
                f"The database or upload folder is not empty ({found}); "
                "restore with --force to replace it."
            )
        folder = upload_folder()
        folder.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".livinglab-restore-", dir=folder.parent) as tmp:
            staging = Path(tmp)
            _extract(tar, manifest, staging)
            database = staging / manifest["database"]["file"]
            db.session.remove()
            db.engine.dispose()  # no pooled connection may keep the old schema or a lock
            if dialect == "sqlite":
                _restore_sqlite(database)
            else:
                _restore_postgresql(database)
            db.engine.dispose()
            _swap_folder(staging / UPLOADS, folder)
    _verify(manifest)
    manifest["seconds_restore"] = round(time.monotonic() - started, 2)
    return manifest


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError, EOFError, OSError, zlib.error, tarfile.TarError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            "The archive is damaged, incomplete or not a Living Lab backup (no manifest)."
        )
    return manifest


def _check_revision(revision: str | None) -> None:
    """An archive from newer code has a revision these migrations do not know: refused, since
    the code would misread that schema (and no downgrade path exists here)."""
    if revision is None:
        return
    scripts = ScriptDirectory(current_app.extensions["migrate"].directory)
    try:
        found = scripts.get_revision(revision)
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        found = None
    if found is None:
        raise BackupError(
            f"The archive's database is at revision {revision}, newer than this code "
            f"(head {', '.join(scripts.get_heads())}): restore it with the release that made it."
        )


def target_content() -> dict[str, int]:
    """What restoring would overwrite: content rows, and files in the upload folder."""
    with db.engine.connect() as conn:
        counts = count_rows(conn, CONTENT_TABLES)
    counts["upload files"] = sum(1 for _ in upload_files(upload_folder()))
    return counts


def _extract(tar: tarfile.TarFile, manifest: dict[str, Any], staging: Path) -> None:
    wanted = manifest["database"]["file"]
    members = []
    try:
        listed = tar.getmembers()
    except (EOFError, zlib.error, tarfile.ReadError) as error:
        raise BackupError(f"The archive is damaged: {error}") from None
    for member in listed:
        name = member.name
        if name == MANIFEST:
            continue
        if name != wanted and not name.startswith(f"{UPLOADS}/"):
            raise BackupError(f"Unexpected entry in the archive: {name!r}")
        members.append(member)
    if wanted not in {m.name for m in members}:
        raise BackupError(f"The archive has no {wanted}.")
    try:
        # "data": no absolute paths, no "..", no links out of the folder, no devices.
        tar.extractall(staging, members=members, filter="data")
    except tarfile.FilterError as error:
        raise BackupError(f"Refused an unsafe entry in the archive: {error}") from None
    except (EOFError, zlib.error, tarfile.ReadError) as error:
        raise BackupError(f"The archive is damaged: {error}") from None
    (staging / UPLOADS).mkdir(exist_ok=True)


def _restore_sqlite(copy: Path) -> None:
    """The backup API in the other direction: page by page into the live file, which keeps its
    WAL and its other connections consistent (replacing the file under them would not)."""
    path = Path(sqlite_file())
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    destination = sqlite3.connect(path, timeout=60)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _restore_postgresql(dump: Path) -> None:
    """pg_restore's script (``--clean --if-exists``) run by psql in one transaction, after
    dropping the tables there are now: tables of a newer schema than the dump's would survive
    --clean and break the next upgrade. The script is written out whole first: psql commits at
    the end of its input, so a dump that breaks halfway must never reach it as a short script.
    One transaction: a failure leaves the database as it was."""
    dsn, env = libpq(db.engine.url)
    script = dump.with_suffix(".sql")
    run(
        [tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        + ["-f", str(script), str(dump)],
        env,
    )
    with db.engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
    drop = ["-c", "DROP TABLE IF EXISTS " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"]
    run(
        [tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
        + ["-d", dsn, *(drop if tables else []), "-f", str(script)],
        env,
    )


def _swap_folder(new: Path, folder: Path) -> None:
    """The restored folder takes the place of the old one, which is deleted after."""
    old = folder.with_name(f".{folder.name}.before-restore-{int(time.time())}")
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _verify(manifest: dict[str, Any]) -> None:
    expected = manifest["database"]["counts"]
    with db.engine.connect() as conn:
        found = count_rows(conn, tuple(expected))
    files = sum(1 for _ in upload_files(upload_folder()))
    wrong = {name: (n, found.get(name)) for name, n in expected.items() if found.get(name) != n}
    if files != manifest["uploads"]["files"]:
        wrong["upload files"] = (manifest["uploads"]["files"], files)
    if wrong:
        raise BackupError(f"The restored copy differs from the manifest (expected, found): {wrong}")
