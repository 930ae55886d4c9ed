"""One search service over two engines.

SQLite keeps FTS5 tables (``challenge_fts``, ``idea_fts``, ``case_study_fts``, ``event_fts``) in
step through triggers; PostgreSQL uses a GIN index on the same text expression the query uses.
Both are made by the migrations: 0004 (challenges, ideas), 0014 (case studies), 0015 (events).
Content is written in eight languages, so words are matched as written (PostgreSQL's
``simple`` configuration, no stemming); SQLite also folds diacritics ("Iasi" finds "Iași").
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from livinglab.extensions import db

# The columns searched in each table; each migration writes the same list into its index.
SEARCHED_COLUMNS = {
    "challenge": ("title", "summary", "body"),
    "idea": ("title", "summary", "body"),
    "case_study": ("title", "summary", "body", "problem", "lessons", "site_name"),
    "event": ("title", "description", "venue_name", "minutes"),
}
SEARCHABLE = tuple(SEARCHED_COLUMNS)
MAX_WORDS = 12


def pg_document(kind: str) -> str:
    """The PostgreSQL expression searched: the index and the query must use exactly this text."""
    joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in SEARCHED_COLUMNS[kind])
    return f"to_tsvector('simple'::regconfig, {joined})"


def words(query: str | None) -> list[str]:
    """The words of a query, lower-cased; punctuation and search syntax are dropped."""
    return re.findall(r"\w+", (query or "").lower())[:MAX_WORDS]


def matching_ids(kind: str, query: str | None) -> sa.Select | None:
    """A ``SELECT id`` of the rows containing every word of the query, or None for no query."""
    if kind not in SEARCHABLE:
        raise ValueError(f"cannot search {kind!r}")
    found = words(query)
    if not found:
        return None
    if db.engine.dialect.name == "postgresql":
        table = sa.table(kind, sa.column("id"))
        return sa.select(table.c.id).where(
            sa.text(
                f"{pg_document(kind)} @@ plainto_tsquery('simple'::regconfig, :terms)"
            ).bindparams(terms=" ".join(found))
        )
    fts = sa.table(f"{kind}_fts", sa.column("rowid"))
    # Each word quoted: FTS5 reads it as a plain term, never as query syntax.
    match = " ".join('"' + word.replace('"', '""') + '"' for word in found)
    return sa.select(fts.c.rowid).where(sa.text(f"{kind}_fts MATCH :match").bindparams(match=match))


def is_search_artifact(name: str | None) -> bool:
    """Schema objects the search engines own, which the models do not describe."""
    if not name:
        return False
    return name.startswith("fts_") or "_fts" in name


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's autogenerate: leave the search tables and indexes out of comparisons."""
    return not is_search_artifact(name)
