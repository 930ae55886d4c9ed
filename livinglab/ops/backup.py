"""Backups of a running platform: the database and the uploads, in one archive.

The archive (``.tar.gz``) holds ``database.sqlite3`` (SQLite's online backup API: a consistent
copy while the server goes on writing) or ``database.dump`` (``pg_dump -Fc`` on PostgreSQL, of a
snapshot exported by a transaction that also counts the rows, so the counts are the dump's),
``uploads/`` (the upload folder) and ``manifest.json`` (row counts, alembic revision, files).

The database is copied first, the uploads after: a file is written before the row that points
to it is committed, so every row in the copy finds its file in the archive; a file uploaded
during the backup may come along without its row (an orphan, harmless).

Restoring is livinglab.ops.restore.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import URL, Connection

from livinglab.extensions import db
from livinglab.uploads.services import upload_folder as folder

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.dump"
UPLOADS = "uploads"
# Content whose presence makes a database "not empty" (the migrations alone seed the cities).
CONTENT_TABLES = ("user", "challenge", "idea", "comment", "attachment")
TOOL_TIMEOUT = 6 * 3600  # a dump or restore of a large database takes long; a hung one not forever


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


# --- Backup ------------------------------------------------------------------------------------


def create_backup(target: Path) -> dict[str, Any]:
    """Writes the archive to ``target`` (a file, or a folder to put a dated file in)."""
    target = _archive_path(target)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=".livinglab-backup-", dir=target.parent) as tmp:
        staging = Path(tmp)
        dialect = db.engine.dialect.name
        if dialect == "sqlite":
            member, database = SQLITE_MEMBER, staging / SQLITE_MEMBER
            revision, counts = _snapshot_sqlite(database)
        elif dialect == "postgresql":
            member, database = PG_MEMBER, staging / PG_MEMBER
            revision, counts = _dump_postgresql(database)
        else:
            raise BackupError(f"Backups of {dialect} databases are not supported.")
        partial = staging / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(database, arcname=member)
            files, size = _add_uploads(tar, upload_folder())
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": {
                    "dialect": dialect,
                    "file": member,
                    "revision": revision,
                    "counts": counts,
                },
                "uploads": {"files": files, "bytes": size},
                "seconds": round(time.monotonic() - started, 2),
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        partial.chmod(0o600)  # password hashes and private messages: the owner's eyes only
        os.replace(partial, target)
    manifest["path"] = str(target)
    return manifest


def _archive_path(target: Path) -> Path:
    if target.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = target / f"livinglab-{stamp}.tar.gz"
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    return target


def _snapshot_sqlite(copy: Path) -> tuple[str | None, dict[str, int]]:
    """One step of the backup API: a read transaction's consistent view, writers not blocked (WAL)."""
    source = sqlite3.connect(sqlite_file(), timeout=60)
    destination = sqlite3.connect(copy)
    try:
        source.backup(destination)  # pages=-1: all at once, from one snapshot
    finally:
        destination.close()
        source.close()
    engine = sa.create_engine(f"sqlite:///{copy}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return revision_of(conn), count_rows(conn)
    finally:
        engine.dispose()


def _dump_postgresql(dump: Path) -> tuple[str | None, dict[str, int]]:
    """pg_dump of the snapshot this transaction exports: the counts are those of the dump."""
    dsn, env = libpq(db.engine.url)
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            revision, counts = revision_of(conn), count_rows(conn)
            run([tool("pg_dump"), "-Fc", f"--snapshot={snapshot}", "-f", str(dump), dsn], env)
    return revision, counts


def _add_uploads(tar: tarfile.TarFile, folder: Path) -> tuple[int, int]:
    files = size = 0
    for path in upload_files(folder):
        try:
            info = tar.gettarinfo(path, arcname=f"{UPLOADS}/{path.relative_to(folder)}")
            with path.open("rb") as content:
                tar.addfile(info, content)
        except FileNotFoundError:
            continue  # deleted since the folder was listed
        files += 1
        size += info.size
    return files, size


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    tar.addfile(info, io.BytesIO(data))


# --- Shared ------------------------------------------------------------------------------------


def count_rows(conn: Connection, tables: tuple[str, ...] | None = None) -> dict[str, int]:
    """Rows of each of the platform's tables present in the database (all, or those named)."""
    existing = set(sa.inspect(conn).get_table_names())
    names = tables if tables is not None else tuple(sorted(db.metadata.tables))
    return {
        name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
        for name in names
        if name in existing
    }


def revision_of(conn: Connection) -> str | None:
    heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) if heads else None


def upload_folder() -> Path:
    return folder()


def upload_files(folder: Path) -> Iterator[Path]:
    """The stored files, not the temporary ones an upload in progress is writing (``.upload-*``)."""
    if not folder.is_dir():
        return
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root) / name


def sqlite_file() -> str:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return path


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq address for pg_dump/pg_restore; the password goes in the environment, never on
    a command line that ``ps`` shows to every user of the machine."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not on the PATH; install the PostgreSQL client tools.")
    return found


def run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(  # noqa: S603 - a fixed tool and our own arguments, no shell
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=True,
            timeout=TOOL_TIMEOUT,
        )
    except subprocess.CalledProcessError as error:
        detail = error.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupError(f"{Path(command[0]).name} failed: {detail}") from None
