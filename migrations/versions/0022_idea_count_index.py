"""Ideas counted per challenge and status from an index (issue 15)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 23:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_idea_challenge_status', 'idea', ['challenge_id', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_idea_challenge_status', table_name='idea')
