"""Events: the calendar, with agendas, registrations and delegations, links and minutes

Events, co-hosts, agenda sessions and speakers, registrations and delegations, links to
challenges, ideas and pilots, minutes files, personal calendar keys.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 19:41:48

"""
from alembic import op
import sqlalchemy as sa
import livinglab.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_calendar_key',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('created_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_event_calendar_key_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_event_calendar_key')),
    sa.UniqueConstraint('secret', name=op.f('uq_event_calendar_key_secret'))
    )
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), server_default='en', nullable=False),
    sa.Column('kind', sa.Enum('twinning', 'study_visit', 'workshop', 'co_design', 'online_exchange', 'presentation', name='event_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'cancelled', name='event_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('ends_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('venue_name', sa.String(length=160), server_default='', nullable=False),
    sa.Column('venue_address', sa.String(length=300), server_default='', nullable=False),
    sa.Column('online_url', sa.String(length=500), server_default='', nullable=False),
    sa.Column('spoken_languages', sa.String(length=60), server_default='', nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration_opens_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('registration_closes_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('cover_id', sa.Integer(), nullable=True),
    sa.Column('minutes', sa.Text(), server_default='', nullable=False),
    sa.Column('minutes_updated_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=1000), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_event_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_ends_after_start')),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_event_city_id_city')),
    sa.ForeignKeyConstraint(['cover_id'], ['attachment.id'], name=op.f('fk_event_cover_id_attachment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_event_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_city_id'), ['city_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)

    op.create_table('event_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_event_attachment_attachment_id_attachment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_attachment_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_attachment'))
    )
    with op.batch_alter_table('event_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_attachment_attachment_id'), ['attachment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_attachment_event_id'), ['event_id'], unique=False)

    op.create_table('event_cohost',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_event_cohost_city_id_city')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_cohost_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'city_id', name=op.f('pk_event_cohost'))
    )
    op.create_table('event_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('guest_name', sa.String(length=120), nullable=True),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('in_delegation', sa.Boolean(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='registration_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('queued_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('created_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('promoted_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('cancelled_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('dietary_needs', sa.String(length=500), nullable=True),
    sa.Column('accessibility_needs', sa.String(length=500), nullable=True),
    sa.Column('answers_erased_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('check_in_code', sa.String(length=40), nullable=False),
    sa.Column('checked_in_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('reminder_sent_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.CheckConstraint('(user_id IS NULL) <> (guest_name IS NULL)', name=op.f('ck_event_registration_member_or_guest')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['user.id'], name=op.f('fk_event_registration_checked_in_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_event_registration_city_id_city')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_registration_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_event_registration_registered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_event_registration_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registration')),
    sa.UniqueConstraint('check_in_code', name=op.f('uq_event_registration_check_in_code')),
    sa.UniqueConstraint('event_id', 'user_id', name='uq_event_registration_once')
    )
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registration_city_id'), ['city_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registration_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_event_registration_queue', ['event_id', 'status', 'queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registration_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registration_user_id'), ['user_id'], unique=False)

    op.create_table('event_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('ends_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('room', sa.String(length=160), server_default='', nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('guest_speakers', sa.String(length=1000), server_default='', nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_session_ends_after_start')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_session_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_session'))
    )
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_session_event_id'), ['event_id'], unique=False)

    op.create_table('event_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('target_type', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.CheckConstraint("role IN ('advances', 'outcome')", name=op.f('ck_event_link_role')),
    sa.CheckConstraint("target_type IN ('challenge', 'idea', 'pilot')", name=op.f('ck_event_link_target_type')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_link_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], name=op.f('fk_event_link_session_id_event_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_link')),
    sa.UniqueConstraint('event_id', 'session_id', 'target_type', 'target_id', 'role', name='uq_event_link')
    )
    with op.batch_alter_table('event_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_link_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_link_session_id'), ['session_id'], unique=False)
        batch_op.create_index('ix_event_link_target', ['target_type', 'target_id'], unique=False)

    op.create_table('event_session_speaker',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], name=op.f('fk_event_session_speaker_session_id_event_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_event_session_speaker_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_event_session_speaker'))
    )


def downgrade():
    op.drop_table('event_session_speaker')
    with op.batch_alter_table('event_link', schema=None) as batch_op:
        batch_op.drop_index('ix_event_link_target')
        batch_op.drop_index(batch_op.f('ix_event_link_session_id'))
        batch_op.drop_index(batch_op.f('ix_event_link_event_id'))

    op.drop_table('event_link')
    with op.batch_alter_table('event_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_session_event_id'))

    op.drop_table('event_session')
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registration_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_registration_status'))
        batch_op.drop_index('ix_event_registration_queue')
        batch_op.drop_index(batch_op.f('ix_event_registration_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_registration_city_id'))

    op.drop_table('event_registration')
    op.drop_table('event_cohost')
    with op.batch_alter_table('event_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_attachment_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_attachment_attachment_id'))

    op.drop_table('event_attachment')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_starts_at'))
        batch_op.drop_index(batch_op.f('ix_event_kind'))
        batch_op.drop_index(batch_op.f('ix_event_ends_at'))
        batch_op.drop_index(batch_op.f('ix_event_city_id'))

    op.drop_table('event')
    op.drop_table('event_calendar_key')
