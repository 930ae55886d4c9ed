"""Attachments: uploaded images and PDF documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import livinglab.database


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('thumb_key', sa.String(length=80), nullable=True),
    sa.Column('created_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('image', 'pdf')", name=op.f('ck_attachment_kind')),
    sa.ForeignKeyConstraint(['uploader_id'], ['user.id'], name=op.f('fk_attachment_uploader_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachment_storage_key'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_uploader_id'), ['uploader_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_uploader_id'))

    op.drop_table('attachment')
