"""The audit log: append-only to any SQL, browsed with filters, exported as CSV by admins."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.audit.models import AuditEntry, AuditLogIsAppendOnly
from livinglab.audit.services import record
from livinglab.cities.models import City
from livinglab.extensions import db


@pytest.fixture
def entries(db_read, make_user):
    """Three entries: Pavia yesterday-ish, Turku today, one with a formula-like reason."""
    actor = make_user(Role.admin, name="Ada Admin")
    target = make_user(city="turku", name="Tuomas Target")

    def add():
        cities = {c.slug: c.id for c in db.session.scalars(sa.select(City))}
        rows = [
            record(actor, "member.suspended", target, city_id=cities["turku"], reason="Spam"),
            record(actor, "partner.updated", None, city_id=cities["pavia"], changes={}),
            record(None, "moderation.auto_hidden", None, city_id=cities["turku"], reason="=1+2"),
        ]
        rows[1].created_at = datetime(2026, 5, 30, 12, tzinfo=UTC)
        rows[0].created_at = datetime(2026, 6, 1, 9, tzinfo=UTC)
        rows[2].created_at = datetime(2026, 6, 2, 18, tzinfo=UTC)
        db.session.commit()
        return [r.id for r in rows]

    return db_read(add), actor, target


def shown(response) -> list[str]:
    page = response.get_data(as_text=True)
    return [part.split('"')[0] for part in page.split('data-action="')[1:]]


def test_the_log_refuses_changes_from_the_orm_and_from_raw_sql(entries, db_read):
    ids, _, _ = entries

    def orm_update():
        entry = db.session.get(AuditEntry, ids[0])
        entry.action = "nothing.happened"
        db.session.flush()

    with pytest.raises(AuditLogIsAppendOnly):
        db_read(orm_update)
    for statement in (
        "UPDATE audit_entry SET action = 'x' WHERE id = :id",
        "DELETE FROM audit_entry WHERE id = :id",
    ):

        def run(sql=statement):
            try:
                db.session.execute(sa.text(sql), {"id": ids[0]})
            finally:
                db.session.rollback()

        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db_read(run)
    assert db_read(lambda: db.session.get(AuditEntry, ids[0]).action) == "member.suspended"


def test_admins_filter_by_action_city_member_and_date(entries, login_as):
    admin, _ = login_as(Role.admin)
    get = lambda **args: admin.get("/admin/audit", query_string=args)  # noqa: E731
    assert shown(get(action="member.suspended")) == ["member.suspended"]
    assert sorted(shown(get(city="turku"))) == ["member.suspended", "moderation.auto_hidden"]
    assert shown(get(member="tuomas")) == ["member.suspended"], "the member as subject"
    assert sorted(shown(get(member="Ada"))) == ["member.suspended", "partner.updated"]
    assert shown(get(since="2026-06-01", until="2026-06-01")) == ["member.suspended"]
    assert shown(get(until="2026-05-31")) == ["partner.updated"]
    page = get(action="member.suspended").get_data(as_text=True)
    assert "Member suspended" in page, "actions are shown by their readable name"


def test_malformed_dates_get_a_message_next_to_the_field(entries, login_as):
    admin, _ = login_as(Role.admin)
    response = admin.get("/admin/audit", query_string={"since": "31/05/2026"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="since-error"' in page and "Write the date as YYYY-MM-DD" in page
    backwards = admin.get(
        "/admin/audit", query_string={"since": "2026-06-02", "until": "2026-06-01"}
    )
    assert backwards.status_code == 400
    assert "The end date is before the start date." in backwards.get_data(as_text=True)
    assert admin.get("/admin/audit.csv", query_string={"until": "tomorrow"}).status_code == 400


def test_a_city_rep_reads_only_their_city_and_cannot_export(entries, login_as):
    rep, _ = login_as(Role.city_rep, city="pavia")
    assert shown(rep.get("/admin/audit")) == ["partner.updated"]
    assert shown(rep.get("/admin/audit", query_string={"city": "turku"})) == ["partner.updated"]
    assert rep.get("/admin/audit.csv").status_code == 403
    participant, _ = login_as()
    assert participant.get("/admin/audit").status_code == 403


def test_admins_export_the_filtered_log_as_csv(entries, login_as):
    ids, actor, _ = entries
    admin, _ = login_as(Role.admin)
    response = admin.get("/admin/audit.csv", query_string={"city": "turku"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["moderation.auto_hidden", "member.suspended"]
    assert rows[1]["actor"] == "Ada Admin" and rows[1]["city"] == "turku"
    assert rows[1]["details"] == "reason=Spam"
    assert rows[0]["details"] == "reason==1+2"


def test_a_formula_in_a_name_is_not_run_by_spreadsheets(login_as, make_user, db_read):
    sly = make_user(name='=HYPERLINK("http://evil.example")')

    def add():
        record(sly, "role.requested", sly)
        db.session.commit()

    db_read(add)
    admin, _ = login_as(Role.admin)
    text = admin.get("/admin/audit.csv", query_string={"action": "role.requested"}).get_data(
        as_text=True
    )
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["actor"] == '\'=HYPERLINK("http://evil.example")'


def test_the_csv_streams_a_long_log_in_batches(login_as, db_read):
    from livinglab.audit import queries

    def add_many():
        for n in range(25):
            record(None, "partner.updated", None, n=n)
        db.session.commit()

    db_read(add_many)
    admin, _ = login_as(Role.admin)

    def lines():
        return list(queries.csv_lines(queries.AuditFilter(action="partner.updated"), batch=10))

    with admin.application.test_request_context():
        chunks = lines()
    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert len(rows) == 26 and len(chunks) == 1 + 3, "a header, then three batches"
    assert len({r[0] for r in rows[1:]}) == 25, "no entry twice across batches"
