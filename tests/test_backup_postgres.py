"""Restore on PostgreSQL, in-process: over a database with a newer schema (--force), and a dump
that breaks halfway (the database must stay as it was). Needs PostgreSQL, like the scale-out
suite; the running-server test on both databases is tests/test_backup_live.py."""

from __future__ import annotations

import io
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from livinglab import create_app
from livinglab.extensions import db
from livinglab.ops.backup import count_rows
from tests.faults.servers import PG_ADMIN

pytestmark = pytest.mark.scaleout

COUNTED = ("user", "challenge", "idea", "comment", "attachment", "city")


@pytest.fixture
def databases() -> Iterator[list[str]]:
    """Two empty databases, test_ops_<random>."""
    names = [f"test_ops_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [PG_ADMIN.rsplit("/", 1)[0] + f"/{name}" for name in names]
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seeded(url: str, folder: Path) -> Flask:
    from livinglab.demo import seed

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(folder)})
    with app.app_context():
        upgrade()
        seed()
        db.session.commit()
    return app


def state(app: Flask) -> dict[str, int]:
    with app.app_context(), db.engine.connect() as conn:
        return count_rows(conn, COUNTED)


def tables(app: Flask) -> set[str]:
    with app.app_context(), db.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def run(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def test_forced_restore_replaces_a_newer_schema(databases, tmp_path: Path):
    source = seeded(databases[0], tmp_path / "source-uploads")
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).exit_code == 0
    expected = state(source)

    target = seeded(databases[1], tmp_path / "target-uploads")
    with target.app_context():
        # A table of a later release, pointing at one of the dump's tables.
        db.session.execute(
            sa.text('CREATE TABLE later_feature (user_id INTEGER REFERENCES "user")')
        )
        db.session.execute(sa.text('INSERT INTO later_feature SELECT id FROM "user"'))
        db.session.execute(sa.text("DELETE FROM comment"))
        db.session.commit()
    assert run(target, "restore", str(archive)).exit_code != 0  # content: refused

    result = run(target, "restore", "--force", str(archive))
    assert result.exit_code == 0, result.output
    assert state(target) == expected
    assert "later_feature" not in tables(target)
    assert tables(target) == tables(source)
    for app in (source, target):
        with app.app_context():
            db.engine.dispose()


def test_a_dump_broken_halfway_leaves_the_database_as_it_was(databases, tmp_path: Path):
    source = seeded(databases[0], tmp_path / "source-uploads")
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).exit_code == 0

    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(archive) as old, tarfile.open(broken, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read() if member.isfile() else b""
            if member.name == "database.dump":
                data = data[: len(data) // 2]  # cut in the middle of the table data
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))

    target = seeded(databases[1], tmp_path / "target-uploads")
    before, names = state(target), tables(target)
    result = run(target, "restore", "--force", str(broken))
    assert result.exit_code != 0
    assert "pg_restore failed" in result.output or "psql failed" in result.output
    assert state(target) == before and tables(target) == names
    for app in (source, target):
        with app.app_context():
            db.engine.dispose()
