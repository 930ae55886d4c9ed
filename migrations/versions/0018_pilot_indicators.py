"""Pilots: why a pilot was completed with milestones open, and the status a halted pilot resumes to

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-03 22:30:00

"""
from alembic import op
import sqlalchemy as sa
import livinglab.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0015'
branch_labels = None
depends_on = None


PILOT_STATUSES = ('planned', 'running', 'evaluating', 'completed', 'halted')


def upgrade():
    # A halted pilot remembers the status it resumes to; a completion with open milestones
    # keeps its reason.
    with op.batch_alter_table('pilot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('halted_from', sa.Enum(*PILOT_STATUSES, name='pilot_halted_from', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('completion_reason', sa.String(length=2000), nullable=True))


def downgrade():
    with op.batch_alter_table('pilot', schema=None) as batch_op:
        batch_op.drop_column('completion_reason')
        batch_op.drop_column('halted_from')
