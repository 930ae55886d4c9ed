"""The counts every list makes are answered from an index (issue 15's migration 0022): the
index exists on SQLite and PostgreSQL, and SQLite's own plan counts from it alone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.extensions import db

IDEA_COUNT = "SELECT count(*) FROM idea WHERE challenge_id = 1 AND status = 'submitted'"


def _plan(sql: str) -> str:
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
    return "\n".join(str(row[-1]) for row in rows)


def test_ideas_per_challenge_and_status_are_counted_from_the_index(app):
    with app.app_context():
        if db.session.connection().dialect.name != "sqlite":
            # PostgreSQL plans from statistics: on a test's near-empty table any index of the
            # status column wins, so its plan says nothing about 20,000 ideas (bench/ does).
            pytest.skip("PostgreSQL's plan depends on table statistics; the index is checked below")
        plan = _plan(IDEA_COUNT)
    assert "ix_idea_challenge_status" in plan, plan
    assert "COVERING INDEX" in plan, plan  # the rows themselves are never read


def test_the_index_is_made_by_the_migrations(app):
    with app.app_context():
        indexes = sa.inspect(db.engine).get_indexes("idea")
    columns = {index["name"]: index["column_names"] for index in indexes}
    assert columns["ix_idea_challenge_status"] == ["challenge_id", "status"]
