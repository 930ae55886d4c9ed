"""Content language: the language challenges, ideas, pilots and comments are written in

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = ('challenge', 'idea', 'pilot', 'comment')


def upgrade():
    # Plain ADD COLUMN on every dialect, never a batch rebuild: rebuilding challenge or idea on
    # SQLite would drop the full-text-search triggers of migration 0004. Existing rows get 'en'.
    for table in TABLES:
        op.add_column(
            table,
            sa.Column('language', sa.String(length=8), server_default='en', nullable=False),
        )
    # The challenges list is filtered by language across all challenges; ideas are always
    # listed within one challenge (ix_idea_challenge_created), so they need no index of it.
    op.create_index(op.f('ix_challenge_language'), 'challenge', ['language'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_challenge_language'), table_name='challenge')
    # SQLite 3.35+ drops a column in place (no rebuild): the search triggers stay.
    for table in reversed(TABLES):
        op.drop_column(table, 'language')
