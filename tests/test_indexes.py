"""The counts every list makes are answered from indexes, on SQLite and on PostgreSQL: the
plan the database itself chooses names the index (issue 15's migration 0022)."""

from __future__ import annotations

import sqlalchemy as sa

from livinglab.extensions import db

IDEA_COUNT = "SELECT count(*) FROM idea WHERE challenge_id = 1 AND status = 'submitted'"


def _plan(sql: str) -> str:
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # A test table is tiny: PostgreSQL would scan it whole. Forbidding the sequential
        # scan asks which index it would use at scale.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {sql}").all()
    else:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
    return "\n".join(str(row[-1]) for row in rows)


def test_ideas_per_challenge_and_status_are_counted_from_the_index(app):
    with app.app_context():
        plan = _plan(IDEA_COUNT)
        assert "ix_idea_challenge_status" in plan, plan
        if db.session.connection().dialect.name == "sqlite":
            assert "COVERING INDEX" in plan, plan  # the rows themselves are never read


def test_the_index_is_made_by_the_migrations(app):
    with app.app_context():
        indexes = sa.inspect(db.engine).get_indexes("idea")
    columns = {index["name"]: index["column_names"] for index in indexes}
    assert columns["ix_idea_challenge_status"] == ["challenge_id", "status"]
