"""Events: reminders recorded per start time, and events in the full-text search

A reminder is recorded once per registration and start time (``event_reminder``), replacing the
registration's single sent-at stamp: a moved event is announced again for its new start, never
twice for the same one. Events join the search: an FTS5 table kept in step by triggers on
SQLite, a GIN index on the searched expression on PostgreSQL.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 22:30:00

"""
from alembic import op
import sqlalchemy as sa
import livinglab.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# What the search reads of an event: written out here, not imported, so this migration keeps
# meaning what it meant. livinglab.search.services queries exactly this expression.
COLUMNS = ("title", "description", "venue_name", "minutes")
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, "
    + " || ' ' || ".join(f"coalesce({column}, '')" for column in COLUMNS)
    + ")"
)


def upgrade():
    op.create_table('event_reminder',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('sent_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['event_registration.id'], name=op.f('fk_event_reminder_registration_id_event_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'starts_at', name=op.f('pk_event_reminder'))
    )
    # Reminders already sent stay sent: for the start their event has now.
    op.execute(
        "INSERT INTO event_reminder (registration_id, starts_at, sent_at) "
        "SELECT r.id, e.starts_at, r.reminder_sent_at FROM event_registration r "
        "JOIN event e ON e.id = r.event_id WHERE r.reminder_sent_at IS NOT NULL"
    )
    # SQLite drops the column in place (3.35+): rebuilding the table would lose its CHECKs.
    with op.batch_alter_table('event_registration', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('reminder_sent_at')
    _create_search()


def downgrade():
    _drop_search()
    with op.batch_alter_table('event_registration', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('reminder_sent_at', livinglab.database.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE event_registration SET reminder_sent_at = (SELECT max(m.sent_at) "
        "FROM event_reminder m WHERE m.registration_id = event_registration.id)"
    )
    op.drop_table('event_reminder')


def _create_search():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"CREATE INDEX fts_event ON event USING gin ({PG_DOCUMENT})")
    elif dialect == "sqlite":
        columns = ", ".join(COLUMNS)
        new = ", ".join(f"new.{c}" for c in ("id", *COLUMNS))
        old = ", ".join(f"old.{c}" for c in ("id", *COLUMNS))
        op.execute(
            f"CREATE VIRTUAL TABLE event_fts USING fts5({columns}, content='event', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER event_fts_ai AFTER INSERT ON event BEGIN "
            f"INSERT INTO event_fts(rowid, {columns}) VALUES ({new}); END"
        )
        op.execute(
            "CREATE TRIGGER event_fts_ad AFTER DELETE ON event BEGIN "
            f"INSERT INTO event_fts(event_fts, rowid, {columns}) VALUES ('delete', {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER event_fts_au AFTER UPDATE OF {columns} ON event BEGIN "
            f"INSERT INTO event_fts(event_fts, rowid, {columns}) VALUES ('delete', {old}); "
            f"INSERT INTO event_fts(rowid, {columns}) VALUES ({new}); END"
        )
        op.execute("INSERT INTO event_fts(event_fts) VALUES ('rebuild')")


def _drop_search():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS fts_event")
    elif dialect == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS event_fts_{suffix}")
        op.execute("DROP TABLE IF EXISTS event_fts")
