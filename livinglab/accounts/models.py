from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.cities.models import City
from livinglab.database import UTCDateTime, enum_column, utcnow
from livinglab.extensions import ModelBase


class Role(StrEnum):
    participant = "participant"
    expert = "expert"
    city_rep = "city_rep"
    admin = "admin"


class ProfileKind(StrEnum):
    student = "student"
    young_artist = "young_artist"
    other = "other"


class RequestStatus(StrEnum):
    pending = "pending"
    granted = "granted"
    refused = "refused"


# Roles a member may ask for; participant comes with registration and admin is only granted.
REQUESTABLE_ROLES = (Role.expert, Role.city_rep)


class User(UserMixin, ModelBase):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: an address is unique whatever its case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    # Read through ``display_name``, which names a deleted account "Former member".
    stored_name: Mapped[str] = mapped_column("display_name", sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.participant)
    profile_kind: Mapped[ProfileKind] = mapped_column(
        enum_column(ProfileKind, "profile_kind"), default=ProfileKind.other
    )
    # The voluntary participation profile (livinglab.stats.participation): shown to nobody,
    # counted only in aggregates of at least five people, erased with the account.
    age_band: Mapped[str | None] = mapped_column(sa.String(16))
    gender: Mapped[str | None] = mapped_column(sa.String(24))
    # When a member younger than their country's age of digital consent declared that a
    # parent or guardian agreed to their joining (GDPR art. 8).
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    preferred_language: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Set when the member deleted their account: personal data is gone, contributions stay.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the login id: bumping it invalidates every session and remember-me cookie.
    session_version: Mapped[int] = mapped_column(default=1)
    # When the member showed the address is theirs (livinglab.policy.verification); None only
    # for a self-registered account whose confirmation link is not opened yet.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # IANA zone of the email digests' 08:00; None: the partner city's zone (livinglab.mail).
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))

    city: Mapped[City] = relationship(lazy="joined", innerjoin=True)

    # Set per request, never stored: which sign-in this object was loaded for (see session.py).
    if TYPE_CHECKING:
        # Declared for the type checker only: declarative refuses a non-Mapped[] annotation
        # (MappedAnnotationError), and these must stay plain attributes, not columns.
        login_key: str | None
        login_session_id: int | None
    login_key = None  # a LoginSession's secret, or "api.<token id>" on a token socket
    login_session_id = None

    def __init__(self, **kwargs: object) -> None:
        # Accounts made by code (demo data, the command line, tests) are confirmed; only
        # self-registration (accounts.services.register) passes verified_at=None.
        kwargs.setdefault("verified_at", utcnow())
        super().__init__(**kwargs)

    def get_id(self) -> str:
        """The login id kept in the session and the remember-me cookie: "id:version:key".

        The key names one sign-in: deleting its row ends that device's session and cookie;
        bumping the version ends them all.
        """
        return f"{self.id}:{self.session_version}:{self.login_key or ''}"

    @property
    def display_name(self) -> str:
        if self.deleted_at is not None:
            return str(_l("Former member"))
        return self.stored_name

    @display_name.setter
    def display_name(self, value: str) -> None:
        self.stored_name = value

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_active(self) -> bool:
        return self.suspended_at is None and self.deleted_at is None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RoleRequest(ModelBase):
    """A member asking for the expert or city_rep role, and what became of it."""

    __tablename__ = "role_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "requested_role"))
    motivation: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "request_status"), default=RequestStatus.pending, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(sa.String(1000))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="raise")


class LoginSession(ModelBase):
    """One sign-in on one device; its session and remember-me cookie live as long as the row."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the secret in the login id: a leaked database row opens no session.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A short description ("Firefox on Linux") so the member recognises their devices.
    device: Mapped[str] = mapped_column(sa.String(80), default="")


class ApiToken(ModelBase):
    """A personal access token. Only its SHA-256 is stored; the member sees it once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters, shown in lists so a member can tell tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
