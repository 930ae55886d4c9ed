"""The data store: migrations are the schema, partners are seeded, SQLite is set up safely."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from livinglab import create_app
from livinglab.audit.models import AuditEntry, AuditLogIsAppendOnly
from livinglab.cities.models import City
from livinglab.extensions import db
from livinglab.search.services import include_name
from tests.conftest import dispose

FOUNDING = {
    "pavia": ("Comune di Pavia", "Italy", "it"),
    "poitiers": ("Grand Poitiers Communauté Urbaine", "France", "fr"),
    "coimbra": ("Câmara Municipal de Coimbra", "Portugal", "pt"),
    "iasi": ("Primăria Municipiului Iași", "Romania", "ro"),
    "besancon": ("Ville de Besançon", "France", "fr"),
    "hildesheim": ("Stadt Hildesheim", "Germany", "de"),
    "salamanca": ("Ayuntamiento de Salamanca", "Spain", "es"),
    "turku": ("Turun kaupunki", "Finland", "fi"),
}


def test_migrations_produce_exactly_the_models_schema(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migration_seeds_the_eight_partners(app, db_read):
    rows = db_read(
        lambda: db.session.execute(
            sa.select(City.slug, City.municipality, City.country, City.language)
        ).all()
    )
    assert {slug: (m, c, lang) for slug, m, c, lang in rows} == FOUNDING


def test_timestamps_come_back_as_aware_utc(app, db_read):
    joined = db_read(
        lambda: db.session.scalar(sa.select(City.joined_at).where(City.slug == "pavia"))
    )
    assert joined == datetime(2022, 4, 7, 12, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(app):
    with app.app_context():
        city = db.session.scalar(sa.select(City).where(City.slug == "turku"))
        city.joined_at = datetime(2022, 4, 7)  # noqa: DTZ001 - the point of the test
        with pytest.raises(sa.exc.StatementError):
            db.session.flush()
        db.session.rollback()


def test_audit_entries_cannot_be_changed_or_deleted(app):
    with app.app_context():
        entry = AuditEntry(action="test.action", subject_type="city", subject_id=1, details={})
        db.session.add(entry)
        db.session.commit()
        entry.action = "rewritten"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, entry.id))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/pragmas.sqlite3"}
    )
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    dispose(app)


def test_foreign_keys_are_enforced(app):
    from livinglab.accounts.models import User

    with app.app_context():
        db.session.add(
            User(email="ghost@example.org", display_name="Ghost", password_hash="x", city_id=9999)
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_postgresql_urls_use_psycopg3(tmp_path):
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:5432/test"}
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
