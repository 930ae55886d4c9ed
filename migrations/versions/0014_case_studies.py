"""Case studies, their models, indicators, files and links; the participation profile

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa
import livinglab.database  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_study',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'published', name='case_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('outcomes', sa.Text(), nullable=False),
    sa.Column('lessons', sa.Text(), nullable=False),
    sa.Column('contacts', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), server_default='en', nullable=False),
    sa.Column('other_languages', sa.String(length=40), server_default='', nullable=False),
    sa.Column('site_name', sa.String(length=160), nullable=False),
    sa.Column('site_address', sa.String(length=300), nullable=False),
    sa.Column('site_period', sa.String(length=120), nullable=False),
    sa.Column('site_type', sa.String(length=32), nullable=False),
    sa.Column('year_started', sa.Integer(), nullable=True),
    sa.Column('total_cost', sa.Float(), nullable=True),
    sa.Column('cost_notes', sa.Text(), nullable=False),
    sa.Column('created_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.Column('updated_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('published_at', livinglab.database.UTCDateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('total_cost IS NULL OR total_cost >= 0', name=op.f('ck_case_study_cost_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_case_study_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_case_study_city_id_city')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_case_study_published_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_study'))
    )
    with op.batch_alter_table('case_study', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_study_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_study_city_id'), ['city_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_study_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_study_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_study_site_type'), ['site_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_study_status'), ['status'], unique=False)

    op.create_table('case_study_theme',
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_study.id'], name=op.f('fk_case_study_theme_case_study_id_case_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_study_id', 'theme', name=op.f('pk_case_study_theme'))
    )
    with op.batch_alter_table('case_study_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_study_theme_theme'), ['theme'], unique=False)

    op.create_table('case_study_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_study.id'], name=op.f('fk_case_study_model_case_study_id_case_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_study_model')),
    sa.UniqueConstraint('case_study_id', 'kind', name='uq_case_study_model_kind')
    )
    with op.batch_alter_table('case_study_model', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_study_model_case_study_id'), ['case_study_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_study_model_kind'), ['kind'], unique=False)

    op.create_table('case_study_model_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=160), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.Float(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['model_id'], ['case_study_model.id'], name=op.f('fk_case_study_model_item_model_id_case_study_model'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_study_model_item'))
    )
    with op.batch_alter_table('case_study_model_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_study_model_item_model_id'), ['model_id'], unique=False)

    op.create_table('case_study_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('before', sa.Float(), nullable=True),
    sa.Column('after', sa.Float(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_study.id'], name=op.f('fk_case_study_indicator_case_study_id_case_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_study_indicator'))
    )
    with op.batch_alter_table('case_study_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_study_indicator_case_study_id'), ['case_study_id'], unique=False)

    op.create_table('case_study_attachment',
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_case_study_attachment_attachment_id_attachment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_study.id'], name=op.f('fk_case_study_attachment_case_study_id_case_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_study_id', 'attachment_id', name=op.f('pk_case_study_attachment')),
    sa.UniqueConstraint('attachment_id', name=op.f('uq_case_study_attachment_attachment_id'))
    )

    op.create_table('knowledge_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_study_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', livinglab.database.UTCDateTime(), nullable=False),
    sa.CheckConstraint("relation IN ('adapted', 'inspired')", name=op.f('ck_knowledge_link_relation')),
    sa.CheckConstraint("target_type IN ('challenge', 'pilot', 'case_study')", name=op.f('ck_knowledge_link_target_type')),
    sa.ForeignKeyConstraint(['case_study_id'], ['case_study.id'], name=op.f('fk_knowledge_link_case_study_id_case_study'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_knowledge_link_city_id_city')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_knowledge_link_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_link')),
    sa.UniqueConstraint('case_study_id', 'target_type', 'target_id', name='uq_knowledge_link_target')
    )
    with op.batch_alter_table('knowledge_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_link_case_study_id'), ['case_study_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_link_city_id'), ['city_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_link_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_knowledge_link_target', ['target_type', 'target_id'], unique=False)

    # The participation profile: voluntary, never shown per person (livinglab.stats).
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_band', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('gender', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('guardian_consent_at', livinglab.database.UTCDateTime(), nullable=True))

    _create_search()


def downgrade():
    _drop_search()
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('guardian_consent_at')
        batch_op.drop_column('gender')
        batch_op.drop_column('age_band')

    with op.batch_alter_table('knowledge_link', schema=None) as batch_op:
        batch_op.drop_index('ix_knowledge_link_target')
        batch_op.drop_index(batch_op.f('ix_knowledge_link_created_at'))
        batch_op.drop_index(batch_op.f('ix_knowledge_link_city_id'))
        batch_op.drop_index(batch_op.f('ix_knowledge_link_case_study_id'))
    op.drop_table('knowledge_link')
    op.drop_table('case_study_attachment')
    with op.batch_alter_table('case_study_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_study_indicator_case_study_id'))
    op.drop_table('case_study_indicator')
    with op.batch_alter_table('case_study_model_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_study_model_item_model_id'))
    op.drop_table('case_study_model_item')
    with op.batch_alter_table('case_study_model', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_study_model_kind'))
        batch_op.drop_index(batch_op.f('ix_case_study_model_case_study_id'))
    op.drop_table('case_study_model')
    with op.batch_alter_table('case_study_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_study_theme_theme'))
    op.drop_table('case_study_theme')
    with op.batch_alter_table('case_study', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_study_status'))
        batch_op.drop_index(batch_op.f('ix_case_study_site_type'))
        batch_op.drop_index(batch_op.f('ix_case_study_published_at'))
        batch_op.drop_index(batch_op.f('ix_case_study_created_at'))
        batch_op.drop_index(batch_op.f('ix_case_study_city_id'))
        batch_op.drop_index(batch_op.f('ix_case_study_author_id'))
    op.drop_table('case_study')


# Full-text search of case studies, as migration 0004 made it for challenges and ideas: an FTS5
# table kept in step by triggers on SQLite, a GIN index on PostgreSQL over the exact expression
# livinglab.search.services queries. Written out here so this migration keeps its meaning.
COLUMNS = ("title", "summary", "body", "problem", "lessons", "site_name")
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, "
    + " || ' ' || ".join(f"coalesce({c}, '')" for c in COLUMNS)
    + ")"
)


def _create_search():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"CREATE INDEX fts_case_study ON case_study USING gin ({PG_DOCUMENT})")
    elif dialect == "sqlite":
        columns = ", ".join(COLUMNS)
        new = ", ".join(f"new.{c}" for c in ("id", *COLUMNS))
        old = ", ".join(f"old.{c}" for c in ("id", *COLUMNS))
        op.execute(
            f"CREATE VIRTUAL TABLE case_study_fts USING fts5({columns}, content='case_study', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER case_study_fts_ai AFTER INSERT ON case_study BEGIN "
            f"INSERT INTO case_study_fts(rowid, {columns}) VALUES ({new}); END"
        )
        op.execute(
            "CREATE TRIGGER case_study_fts_ad AFTER DELETE ON case_study BEGIN "
            f"INSERT INTO case_study_fts(case_study_fts, rowid, {columns}) VALUES ('delete', {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER case_study_fts_au AFTER UPDATE OF {columns} ON case_study BEGIN "
            f"INSERT INTO case_study_fts(case_study_fts, rowid, {columns}) VALUES ('delete', {old}); "
            f"INSERT INTO case_study_fts(rowid, {columns}) VALUES ({new}); END"
        )
        op.execute("INSERT INTO case_study_fts(case_study_fts) VALUES ('rebuild')")


def _drop_search():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS fts_case_study")
    elif dialect == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS case_study_fts_{suffix}")
        op.execute("DROP TABLE IF EXISTS case_study_fts")
