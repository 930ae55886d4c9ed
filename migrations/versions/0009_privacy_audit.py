"""Account deletion, and the audit log made append-only in the database itself

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 22:00:00

"""
from alembic import op
import sqlalchemy as sa
import livinglab.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: no table rebuild on SQLite.
    op.add_column('user', sa.Column('deleted_at', livinglab.database.UTCDateTime(), nullable=True))
    op.create_index('ix_audit_entry_action_created', 'audit_entry', ['action', 'created_at'])
    # The ORM refuses to change an entry; these refuse it to any SQL too.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )
    else:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entry_no_update")
        op.execute("DROP TRIGGER audit_entry_no_delete")
    op.drop_index('ix_audit_entry_action_created', table_name='audit_entry')
    op.drop_column('user', 'deleted_at')
