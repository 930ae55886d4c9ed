"""Seats under load: members racing for the last seats of an event with real concurrent
requests (threads) on a real, committed database (SQLite, or PostgreSQL when
LIVINGLAB_TEST_DATABASE_URL says so: a database of its own). The capacity is never exceeded,
and a cancellation gives its seat to exactly one person from the waiting list."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from livinglab import create_app
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.meetings.models import Meeting, MeetingKind, Registration, RegistrationStatus
from tests.conftest import PASSWORD, dispose, reset_database
from tests.factories import members_accept_terms
from tests.test_votes_concurrency import signed_in, storm

MEMBERS = 14
CAPACITY = 5


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[Flask, int, list[str]]]:
    base = os.environ.get("LIVINGLAB_TEST_DATABASE_URL")
    created = None
    if base:
        created = f"livinglab_seats_{uuid.uuid4().hex[:8]}"
        admin = base.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created}"')
        url = admin.rsplit("/", 1)[0] + f"/{created}"
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("seats") / "seats.sqlite3")
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 10} if base else {},
        },
    )
    reset_database(app)
    with app.app_context():
        from livinglab.accounts.models import Role, User
        from livinglab.accounts.passwords import hash_password
        from livinglab.cities.models import City

        cities = list(db.session.scalars(sa.select(City).order_by(City.id)))
        hashed = hash_password(PASSWORD)
        emails = [f"member{n}@example.org" for n in range(MEMBERS)]
        db.session.add_all(
            User(
                email=e,
                display_name=e,
                password_hash=hashed,
                city_id=cities[n % 8].id,
                role=Role.participant,
            )
            for n, e in enumerate(emails)
        )
        start = utcnow() + timedelta(days=10)
        meeting = Meeting(
            title="Popular workshop",
            description="Everyone wants a seat.",
            kind=MeetingKind.workshop,
            city_id=cities[0].id,
            starts_at=start,
            ends_at=start + timedelta(hours=5),
            timezone="Europe/Rome",
            venue_name="Broletto",
            capacity=CAPACITY,
            created_at=utcnow() - timedelta(days=1),
        )
        db.session.add(meeting)
        db.session.commit()
        members_accept_terms()
        meeting_id = meeting.id
    try:
        yield app, meeting_id, emails
    finally:
        dispose(app)
        if created:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def seats(app: Flask, meeting_id: int) -> dict[RegistrationStatus, int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.status, sa.func.count())
            .where(Registration.event_id == meeting_id)
            .group_by(Registration.status)
        ).all()
        return dict(rows)


def test_members_racing_for_the_last_seats_never_exceed_the_capacity(live):
    app, meeting_id, emails = live
    clients = [signed_in(app, e) for e in emails]
    statuses = storm(
        [lambda c=c: c.post(f"/events/{meeting_id}/register").status_code for c in clients]
    )
    assert statuses == [302] * MEMBERS
    counted = seats(app, meeting_id)
    assert counted == {
        RegistrationStatus.confirmed: CAPACITY,
        RegistrationStatus.waitlisted: MEMBERS - CAPACITY,
    }

    # Three seated members cancel at once: three from the waiting list move up, no more.
    with app.app_context():
        seated = list(
            db.session.scalars(
                sa.select(Registration.user_id).where(
                    Registration.event_id == meeting_id,
                    Registration.status == RegistrationStatus.confirmed,
                )
            )
        )
        by_id = {
            uid: email for uid, email in db.session.execute(sa.text('select id, email from "user"'))
        }
    leaving = [signed_in(app, by_id[uid]) for uid in seated[:3]]
    cancel = f"/events/{meeting_id}/registration/cancel"
    assert storm([lambda c=c: c.post(cancel).status_code for c in leaving]) == [302] * 3
    assert seats(app, meeting_id) == {
        RegistrationStatus.confirmed: CAPACITY,
        RegistrationStatus.waitlisted: MEMBERS - CAPACITY - 3,
        RegistrationStatus.cancelled: 3,
    }
