"""Email: the outbox, members' email choices and digests; confirmed addresses and time zones

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00

Numbered 0012 but placed after 0015 (the head when it was written), so the chain keeps a
single head: re-point ``down_revision`` when the chain is put in order.
"""
from alembic import op
import sqlalchemy as sa
import livinglab.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_at', livinglab.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    # Members from before email verification existed keep every right they had: their
    # address counts as confirmed since they joined.
    op.execute('UPDATE "user" SET verified_at = created_at')

    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('status', sa.Enum('queued', 'sent', 'failed', name='mail_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('lease_until', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('lease_owner', sa.String(length=40), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('sent_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_mail_outbox_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        # The worker's poll: queued messages by due time.
        batch_op.create_index('ix_mail_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_mail_outbox_dedupe', ['user_id', 'dedupe_key', 'status'], unique=False)

    op.create_table('mail_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('delivery', sa.Enum('in_app', 'immediate', 'daily', 'weekly', name='mail_delivery', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_mail_preference_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'category', name=op.f('pk_mail_preference'))
    )

    op.create_table('mail_digest_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('group_key', sa.String(length=80), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('due_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_mail_digest_entry_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_digest_entry'))
    )
    with op.batch_alter_table('mail_digest_entry', schema=None) as batch_op:
        batch_op.create_index('ix_mail_digest_entry_due', ['due_at'], unique=False)
        batch_op.create_index('ix_mail_digest_entry_user', ['user_id', 'kind', 'group_key'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_digest_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_digest_entry_user')
        batch_op.drop_index('ix_mail_digest_entry_due')
    op.drop_table('mail_digest_entry')
    op.drop_table('mail_preference')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_outbox_dedupe')
        batch_op.drop_index('ix_mail_outbox_due')
    op.drop_table('mail_outbox')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('verified_at')
