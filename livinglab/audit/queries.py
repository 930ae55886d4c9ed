"""Reading the audit log: filters shared by the browser and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload

from livinglab import content
from livinglab.accounts.models import User
from livinglab.audit.labels import action_label
from livinglab.audit.models import AuditEntry
from livinglab.audit.services import subject_type
from livinglab.cities.models import City
from livinglab.extensions import db
from livinglab.text import spreadsheet_safe


@dataclass
class AuditFilter:
    city_id: int | None = None
    member_id: int | None = None
    member_text: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def filtered(f: AuditFilter) -> sa.Select:
    query = sa.select(AuditEntry).options(joinedload(AuditEntry.actor), joinedload(AuditEntry.city))
    if f.city_id is not None:
        query = query.where(AuditEntry.city_id == f.city_id)
    if f.action:
        query = query.where(AuditEntry.action == f.action)
    if f.since:
        query = query.where(AuditEntry.created_at >= datetime.combine(f.since, time(), UTC))
    if f.until:  # the whole last day is included
        end = datetime.combine(f.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.created_at < end)
    member_ids = _member_ids(f)
    if member_ids is not None:
        query = query.where(
            sa.or_(
                AuditEntry.actor_id.in_(member_ids),
                sa.and_(AuditEntry.subject_type == "user", AuditEntry.subject_id.in_(member_ids)),
            )
        )
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def _member_ids(f: AuditFilter) -> sa.Select | list[int] | None:
    """A member by id, or every member whose name or email contains the text."""
    if f.member_id is not None:
        return [f.member_id]
    text = f.member_text.strip().lower()
    if not text:
        return None
    return sa.select(User.id).where(
        sa.or_(
            User.stored_name.icontains(text, autoescape=True),
            User.email.contains(text, autoescape=True),  # stored lower-cased
        )
    )


def known_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).distinct().order_by("action")))


# Members are subjects without being content: their page is named here. Every kind of content
# declares its own page in the registry (livinglab.content, ``page=``).
_MEMBER_PAGE = ("members.member", "user_id")


def _subject_page(name: str) -> tuple[str, str] | None:
    """The page of a type of subject: the log names a subject by its model, the registry knows
    each kind's model and page."""
    if name == "user":
        return _MEMBER_PAGE
    return next((k.page for k in content.kinds() if subject_type(k.model) == name), None)


def subject_link(entry: AuditEntry) -> str | None:
    """Where the entry's subject can be seen, if it has a page (the log's page asks, in a request)."""
    page = _subject_page(entry.subject_type)
    if page is None or not entry.subject_id:
        return None
    endpoint, argument = page
    subject: dict[str, Any] = {argument: entry.subject_id}
    return url_for(endpoint, **subject)


def csv_lines(f: AuditFilter, batch: int = 1000) -> Iterator[str]:
    """The filtered log as CSV, read in batches so a long log never sits in memory at once."""
    out = io.StringIO()
    writer = csv.writer(out)

    def flush() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(
        [
            "id",
            "when_utc",
            "actor_id",
            "actor",
            "action",
            "action_label",
            "subject_type",
            "subject_id",
            "city",
            "details",
        ]  # fmt: skip
    )
    yield flush()
    last_id = None
    while True:
        query = filtered(f).limit(batch)
        if last_id is not None:
            query = query.where(AuditEntry.id < last_id)
        query = query.order_by(None).order_by(AuditEntry.id.desc())
        entries = db.session.scalars(query).unique().all()
        if not entries:
            return
        for e in entries:
            details = "; ".join(f"{k}={v}" for k, v in sorted((e.details or {}).items()))
            writer.writerow(
                [
                    e.id,
                    e.created_at.isoformat(),
                    e.actor_id or "",
                    spreadsheet_safe(e.actor.display_name) if e.actor else "",
                    e.action,
                    action_label(e.action),
                    e.subject_type,
                    e.subject_id or "",
                    e.city.slug if e.city else "",
                    spreadsheet_safe(details),
                ]
            )
        last_id = entries[-1].id
        yield flush()


def city_choices() -> list[City]:
    return list(db.session.scalars(sa.select(City).order_by(City.name)))
