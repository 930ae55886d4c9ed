"""What the platform holds about a member, and how an account is deleted.

The export is built from the schema itself: every table with a column pointing at the
member contributes its rows, so a table added later is exported without anyone
remembering to. Deletion keeps public contributions (they belong to the discussion and
to the decisions made on them) under "Former member" and removes everything personal.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from livinglab import events
from livinglab.accounts.models import ProfileKind, Role, RoleRequest, User
from livinglab.accounts.passwords import verify_password
from livinglab.accounts.services import active_admin_count
from livinglab.audit.models import AuditEntry
from livinglab.database import utcnow
from livinglab.errors import Conflict, Invalid
from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, InvitationStatus
from livinglab.realtime.broadcast import end_member_sockets
from livinglab.votes.models import Vote
from livinglab.votes.services import announce_count

# Secrets are never exported, not even to their owner (a personal calendar's address is one).
SECRET_COLUMNS = {"password_hash", "token_hash", "secret"}
# Rows that exist only for the member themself; gone with the account.
PERSONAL_TABLES = (
    "vote",
    "follow",
    "notification",
    "notification_mute",
    "api_token",
    "login_session",
    "idempotency_key",
)
DELETED_PASSWORD = "!deleted"  # noqa: S105 - not a hash: no password can ever match it


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _tables_pointing_at_users() -> list[tuple[sa.Table, list[sa.Column]]]:
    found = []
    for table in db.metadata.sorted_tables:
        if table.name == "user":
            continue
        columns = [fk.parent for fk in table.foreign_keys if fk.column.table.name == "user"]
        if columns:
            found.append((table, columns))
    return found


def _rows(table: sa.Table, where: Any, member_id: int | None = None) -> list[dict[str, Any]]:
    """The rows, without secrets; a column marked ``info={"personal_of": <column>}`` (answers
    given to organisers) only in the rows where that column is the member: a row that is
    there because the member acted on it (registered, checked in) shows nobody else's."""
    columns = [c for c in table.columns if c.name not in SECRET_COLUMNS]
    query = sa.select(*columns).where(where).order_by(*table.primary_key.columns)
    rows = []
    for row in db.session.execute(query):
        values = {key: _plain(value) for key, value in row._mapping.items()}
        for column in columns:
            owner = column.info.get("personal_of")
            if owner and values.get(owner) != member_id:
                del values[column.name]
        rows.append(values)
    return rows


def member_data(user: User) -> dict[str, Any]:
    """Everything stored about the member, as plain JSON-ready data."""
    account = {
        attr.columns[0].name: _plain(getattr(user, attr.key))
        for attr in sa.inspect(User).column_attrs
        if attr.columns[0].name not in SECRET_COLUMNS
    }
    account["city"] = user.city.slug
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, columns in _tables_pointing_at_users():
        if table.name == "audit_entry":
            continue  # gathered below with the entries about the member
        rows = _rows(table, sa.or_(*(column == user.id for column in columns)), user.id)
        if rows:
            tables[table.name] = rows
    audit = _rows(
        db.metadata.tables["audit_entry"],  # the Table (``__table__`` is typed FromClause)
        sa.or_(
            AuditEntry.actor_id == user.id,
            sa.and_(AuditEntry.subject_type == "user", AuditEntry.subject_id == user.id),
        ),
    )
    if audit:
        tables["audit_entry"] = audit
    return {"generated_at": _plain(utcnow()), "account": account, "records": tables}


def delete_account(user: User, password: str) -> None:
    """Removes the member's personal data and votes; their public contributions stay."""
    if user.is_deleted:
        raise Conflict(_l("This account is already deleted."))
    if not verify_password(user.password_hash, password or ""):
        message = _l("The password is not right.")
        raise Invalid(message, {"password": message})
    if user.role == Role.admin and active_admin_count() <= 1:
        raise Conflict(
            _l("The last administrator cannot delete their account: appoint another first.")
        )
    voted = db.session.scalars(sa.select(Vote.idea_id).where(Vote.user_id == user.id)).all()
    for name in PERSONAL_TABLES:
        table = db.metadata.tables[name]
        db.session.execute(sa.delete(table).where(table.c.user_id == user.id))
    # A request's motivation is personal; what was decided stays in the audit log.
    db.session.execute(sa.delete(RoleRequest).where(RoleRequest.user_id == user.id))
    db.session.execute(
        sa.delete(Coauthor).where(
            Coauthor.user_id == user.id, Coauthor.status != InvitationStatus.accepted
        )
    )
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.stored_name = ""
    user.password_hash = DELETED_PASSWORD
    user.role = Role.participant
    user.profile_kind = ProfileKind.other
    user.preferred_language = None
    user.suspension_reason = None
    user.age_band = user.gender = None  # the participation profile goes with the account
    user.guardian_consent_at = None
    user.deleted_at = utcnow()
    user.session_version += 1  # signs the member out everywhere
    events.send(events.member_deleted, user, votes_removed=len(voted))  # audit
    events.commit()
    end_member_sockets(user.id)
    for idea_id in voted:
        announce_count(idea_id)
