"""The review desk: experts' drafts, conflict-of-interest declarations and themes

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-03 23:30:00

"""
from alembic import op
import sqlalchemy as sa
import livinglab.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0019'
branch_labels = None
depends_on = None

CRITERIA = ('heritage_value', 'feasibility', 'circularity', 'youth_involvement', 'replicability')


def upgrade():
    op.create_table('review_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    *(sa.Column(name, sa.SmallInteger(), nullable=True) for name in CRITERIA),
    sa.Column('assessment', sa.Text(), nullable=False),
    sa.Column('no_conflict', sa.Boolean(), nullable=False),
    sa.Column('updated_at', livinglab.database.UTCDateTime(), nullable=False),
    *(
        sa.CheckConstraint(f'{name} BETWEEN 1 AND 5', name=op.f(f'ck_review_draft_{name}_range'))
        for name in CRITERIA
    ),
    sa.ForeignKeyConstraint(['expert_id'], ['user.id'], name=op.f('fk_review_draft_expert_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_review_draft_idea_id_idea'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_draft')),
    sa.UniqueConstraint('expert_id', 'idea_id', name='uq_review_draft_once')
    )
    with op.batch_alter_table('review_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_draft_idea_id'), ['idea_id'], unique=False)

    op.create_table('review_conflict',
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['user.id'], name=op.f('fk_review_conflict_expert_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_id'], ['idea.id'], name=op.f('fk_review_conflict_idea_id_idea'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('expert_id', 'idea_id', name=op.f('pk_review_conflict'))
    )
    with op.batch_alter_table('review_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_conflict_idea_id'), ['idea_id'], unique=False)

    op.create_table('expert_theme',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_expert_theme_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'theme', name=op.f('pk_expert_theme'))
    )


def downgrade():
    op.drop_table('expert_theme')
    with op.batch_alter_table('review_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_conflict_idea_id'))

    op.drop_table('review_conflict')
    with op.batch_alter_table('review_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_draft_idea_id'))

    op.drop_table('review_draft')
