"""The command-line tasks a coordinator runs."""

from __future__ import annotations

import sqlalchemy as sa

from livinglab.accounts.models import Role, User
from livinglab.audit.models import AuditEntry
from livinglab.challenges.models import Challenge, Phase
from livinglab.demo import DEMO_PASSWORD
from livinglab.extensions import db


def counts(db_read):
    return db_read(
        lambda: (
            db.session.scalar(sa.select(sa.func.count(User.id))),
            db.session.scalar(sa.select(sa.func.count(Challenge.id))),
        )
    )


def test_seed_demo_is_idempotent_and_covers_every_city(app, db_read):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    first = counts(db_read)
    assert first == (27, 9), "3 per city, the admin, and the two people of the demo's day"
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts(db_read) == first
    per_city = db_read(
        lambda: db.session.execute(
            sa.select(User.city_id, User.role, sa.func.count())
            .where(
                sa.or_(
                    *(User.email.startswith(f"{p}.") for p in ("participant", "expert", "cityrep"))
                )
            )
            .group_by(User.city_id, User.role)
        ).all()
    )
    assert len(per_city) == 8 * 3 and all(n == 1 for *_, n in per_city)
    phases = db_read(lambda: set(db.session.scalars(sa.select(Challenge.phase))))
    assert {Phase.open, Phase.voting, Phase.proposed} <= phases


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, db_read, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded" in result.output
    assert counts(db_read)[0] == 1


def test_demo_accounts_can_sign_in(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    response = client.post(
        "/login", data={"email": "cityrep.coimbra@demo.livinglab.eu", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_create_admin(app, db_read):
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--email",
            "Coordinator@Example.org",
            "--name",
            "Coordinator",
            "--city",
            "pavia",
        ],
        input="a long admin password\na long admin password\n",
    )
    assert result.exit_code == 0, result.output
    admin = db_read(
        lambda: db.session.scalar(sa.select(User).where(User.email == "coordinator@example.org"))
    )
    assert admin.role == Role.admin
    assert (
        db_read(
            lambda: db.session.scalar(
                sa.select(AuditEntry.details).where(AuditEntry.subject_id == admin.id)
            )
        )["via"]
        == "cli"
    )


def test_create_admin_reports_bad_input(app, db_read):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "x@example.org", "--name", "X", "--city", "atlantis"],
        input="a long admin password\na long admin password\n",
    )
    assert result.exit_code != 0 and "city" in result.output
    assert counts(db_read)[0] == 0


def test_the_demo_plays_a_day_into_the_audit_log_once(app, db_read):
    import sqlalchemy as sa

    from livinglab.audit.models import AuditEntry
    from livinglab.extensions import db

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0

    def log():
        return db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.created_at, AuditEntry.city_id)
        ).all()

    entries = db_read(log)
    actions = {action for action, _, _ in entries}
    assert {
        "role.granted",
        "role.refused",
        "challenge.published",
        "challenge.phase_changed",
        "decision.approved",
        "decision.rejected",
        "pilot.replicated",
        "moderation.hidden",
        "member.suspended",
    } <= actions
    hours = sorted(when.hour for _, when, _ in entries)
    assert hours[-1] - hours[0] >= 9, "the entries span a working day"
    assert all(city is not None for _, _, city in entries), "every entry belongs to a city"
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert len(db_read(log)) == len(entries), "the day is played once"
