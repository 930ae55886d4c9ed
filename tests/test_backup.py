"""``flask backup`` / ``flask restore`` on SQLite, in-process (the running-server test, on SQLite
and PostgreSQL, is tests/test_backup_live.py)."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from PIL import Image
from werkzeug.datastructures import FileStorage

from livinglab import create_app
from livinglab.extensions import db
from livinglab.ops.backup import count_rows, upload_files

COUNTED = ("user", "challenge", "idea", "comment", "attachment")


def png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


def make_app(folder: Path) -> Flask:
    folder.mkdir(parents=True, exist_ok=True)
    return create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite3'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
        },
    )


def migrated(folder: Path) -> Flask:
    app = make_app(folder)
    with app.app_context():
        upgrade()
    return app


def seeded(folder: Path) -> Flask:
    """The demo data and two stored images (four files with their thumbnails)."""
    from livinglab.accounts.models import User
    from livinglab.demo import seed
    from livinglab.uploads.services import store_upload

    app = migrated(folder)
    with app.app_context():
        seed()
        uploader = db.session.scalar(sa.select(User.id).limit(1))
        for color in ("red", "blue"):
            store_upload(FileStorage(io.BytesIO(png(color)), f"{color}.png"), uploader)
        db.session.commit()
    return app


def state(app: Flask) -> tuple[dict[str, int], dict[str, bytes]]:
    with app.app_context():
        with db.engine.connect() as conn:
            counts = count_rows(conn, COUNTED)
        folder = Path(app.config["UPLOAD_FOLDER"])
        files = {str(p.relative_to(folder)): p.read_bytes() for p in upload_files(folder)}
        db.engine.dispose()
    return counts, files


def run(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Flask]:
    app = seeded(tmp_path / "source")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_backup_then_restore_into_a_fresh_instance(source: Flask, tmp_path: Path):
    archive = tmp_path / "backup.tar.gz"
    result = run(source, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output
    assert archive.stat().st_mode & 0o077 == 0  # password hashes: the owner's only

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert "database.sqlite3" in names
    counts, files = state(source)
    assert len(files) == 4 and counts["attachment"] == 2 and counts["user"] > 20
    assert {name for name in names if name.startswith("uploads/")} == {
        f"uploads/{name}" for name in files
    }
    assert {k: manifest["database"]["counts"][k] for k in COUNTED} == counts
    assert manifest["uploads"]["files"] == 4
    assert manifest["database"]["revision"]

    fresh = make_app(tmp_path / "fresh")  # not even migrated: the archive brings the schema
    result = run(fresh, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert state(fresh) == (counts, files)
    assert run(fresh, "db", "current").exit_code == 0
    # The restored copy serves: an idea of the source is there.
    with source.app_context():
        idea_id = db.session.scalar(sa.text("SELECT max(id) FROM idea"))
    assert fresh.test_client().get(f"/ideas/{idea_id}").status_code == 200


def test_restore_refuses_a_database_with_content_unless_forced(source: Flask, tmp_path: Path):
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).exit_code == 0
    expected = state(source)
    other = seeded(tmp_path / "other")  # content of its own, files of its own
    before = state(other)

    refused = run(other, "restore", str(archive))
    assert refused.exit_code != 0
    assert "not empty" in refused.output and "--force" in refused.output
    assert state(other) == before  # untouched

    forced = run(other, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert state(other) == expected  # the other's own files are gone, the archive's are there
    assert not any(p.name.startswith(".") for p in (tmp_path / "other").iterdir()), list(
        (tmp_path / "other").iterdir()
    )


def test_a_migrated_but_empty_database_is_not_content(source: Flask, tmp_path: Path):
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).exit_code == 0
    empty = migrated(tmp_path / "empty")  # the migrations seed the cities only
    result = run(empty, "restore", str(archive))
    assert result.exit_code == 0, result.output


def rewrite(archive: Path, target: Path, change=None, extra: tuple[str, bytes] | None = None):
    """A copy of the archive with its manifest changed, or one more entry."""
    with tarfile.open(archive) as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json" and change:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data) if data is not None else None)
        if extra:
            info = tarfile.TarInfo(extra[0])
            info.size = len(extra[1])
            new.addfile(info, io.BytesIO(extra[1]))


def test_restore_refuses_an_archive_from_newer_code(source: Flask, tmp_path: Path):
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).exit_code == 0
    newer = tmp_path / "newer.tar.gz"
    rewrite(archive, newer, lambda m: m["database"].update(revision="9999_from_the_future"))
    fresh = make_app(tmp_path / "fresh")
    result = run(fresh, "restore", str(newer))
    assert result.exit_code != 0
    assert "9999_from_the_future" in result.output and "newer than this code" in result.output
    assert not (tmp_path / "fresh" / "uploads").exists()


def test_restore_refuses_entries_outside_its_folders(source: Flask, tmp_path: Path):
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).exit_code == 0
    fresh = make_app(tmp_path / "fresh")
    for name in ("uploads/../../escaped.txt", "elsewhere.txt", "/srv/absolute.txt"):
        evil = tmp_path / "evil.tar.gz"
        rewrite(archive, evil, extra=(name, b"not yours"))
        result = run(fresh, "restore", str(evil))
        assert result.exit_code != 0, name
        assert "archive" in result.output, result.output
    assert not (tmp_path / "escaped.txt").exists()
    assert not (tmp_path / "fresh" / "uploads").exists()


def test_restore_checks_the_copy_against_the_manifest(source: Flask, tmp_path: Path):
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).exit_code == 0
    lying = tmp_path / "lying.tar.gz"
    rewrite(archive, lying, lambda m: m["database"]["counts"].update(comment=999))
    result = run(make_app(tmp_path / "fresh"), "restore", str(lying))
    assert result.exit_code != 0
    assert "differs from the manifest" in result.output and "'comment': (999," in result.output


def test_not_an_archive(source: Flask, tmp_path: Path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"certainly not gzip")
    result = run(source, "restore", "--force", str(junk))
    assert result.exit_code != 0 and "not a backup archive" in result.output


def test_backup_into_a_folder_names_the_file(source: Flask, tmp_path: Path):
    result = run(source, "backup", str(tmp_path))
    assert result.exit_code == 0, result.output
    made = list(tmp_path.glob("livinglab-*.tar.gz"))
    assert len(made) == 1
    assert not list(tmp_path.glob(".livinglab-backup-*"))  # the staging folder is gone


def test_a_truncated_archive_is_refused_before_anything_changes(source: Flask, tmp_path: Path):
    archive = tmp_path / "backup.tar.gz"
    assert run(source, "backup", str(archive)).exit_code == 0
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    other = seeded(tmp_path / "other")
    before = state(other)
    result = run(other, "restore", "--force", str(cut))
    assert result.exit_code != 0
    assert "damaged" in result.output or "no manifest" in result.output, result.output
    assert state(other) == before
