"""Seed the eight founding partners of the Friendship Agreement (Pavia, April 2022)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 20:40:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# A copy, not an import: a migration must keep meaning what it meant when it was written.
PARTNERS = (
    ("pavia", "Pavia", "Comune di Pavia", "Italy", "it"),
    ("poitiers", "Grand Poitiers", "Grand Poitiers Communauté Urbaine", "France", "fr"),
    ("coimbra", "Coimbra", "Câmara Municipal de Coimbra", "Portugal", "pt"),
    ("iasi", "Iași", "Primăria Municipiului Iași", "Romania", "ro"),
    ("besancon", "Besançon", "Ville de Besançon", "France", "fr"),
    ("hildesheim", "Hildesheim", "Stadt Hildesheim", "Germany", "de"),
    ("salamanca", "Salamanca", "Ayuntamiento de Salamanca", "Spain", "es"),
    ("turku", "Turku", "Turun kaupunki", "Finland", "fi"),
)

city = sa.table(
    "city",
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("municipality", sa.String),
    sa.column("country", sa.String),
    sa.column("language", sa.String),
    sa.column("joined_at", sa.DateTime),
)


def upgrade():
    signed = datetime(2022, 4, 7, 12, 0, tzinfo=timezone.utc).replace(tzinfo=None)
    op.bulk_insert(
        city,
        [
            {"slug": s, "name": n, "municipality": m, "country": c, "language": lang, "joined_at": signed}
            for s, n, m, c, lang in PARTNERS
        ],
    )


def downgrade():
    op.execute(city.delete().where(city.c.slug.in_([p[0] for p in PARTNERS])))
