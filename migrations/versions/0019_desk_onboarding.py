"""Onboarding and the desk: terms accepted per version, and where each flag is moderated (flag_scope)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 22:30:00

"""
from alembic import op
import sqlalchemy as sa
import livinglab.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # The terms of use and privacy notice each member accepted, version by version.
    op.create_table('terms_acceptance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('terms_version', sa.String(length=20), nullable=False),
    sa.Column('privacy_version', sa.String(length=20), nullable=False),
    sa.Column('accepted_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_terms_acceptance_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_acceptance')),
    sa.UniqueConstraint('user_id', 'terms_version', 'privacy_version', name='uq_terms_acceptance_once')
    )
    with op.batch_alter_table('terms_acceptance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_acceptance_user_id'), ['user_id'], unique=False)

    # Who moderates each flagged item: the moderators' counts in one query.
    op.create_table('flag_scope',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=16), nullable=False),
    sa.Column('content_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_flag_scope_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_flag_scope_city_id_city'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag_scope'))
    )
    with op.batch_alter_table('flag_scope', schema=None) as batch_op:
        batch_op.create_index('ix_flag_scope_content', ['content_type', 'content_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_scope_city_id'), ['city_id'], unique=False)


def downgrade():
    with op.batch_alter_table('flag_scope', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_scope_city_id'))
        batch_op.drop_index('ix_flag_scope_content')
    op.drop_table('flag_scope')
    with op.batch_alter_table('terms_acceptance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_acceptance_user_id'))
    op.drop_table('terms_acceptance')
