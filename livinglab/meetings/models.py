"""Events, their agenda, registrations (one's own or a city's delegation), links and files.

Times are stored in UTC with the event's IANA time zone beside them: the zone decides how the
event reads (09:30 in Pavia stays 09:30 in Pavia across a daylight-saving change), UTC how it
sorts and how the calendar feeds and reminders find it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.cities.models import City
from livinglab.database import UTCDateTime, enum_column, utcnow
from livinglab.extensions import ModelBase, db
from livinglab.uploads.models import Attachment

# Registrants' answers to the organisers' questions are erased this long after the end.
ANSWERS_KEPT = timedelta(days=30)
# What an event (or one of its sessions) may name: the challenges, ideas and pilots it advances.
LINK_KINDS = ("challenge", "idea", "pilot")
# A column only the member of its row's ``user_id`` may read in a data export.
PERSONAL = {"personal_of": "user_id"}


class MeetingKind(StrEnum):
    twinning = "twinning"
    study_visit = "study_visit"
    workshop = "workshop"
    co_design = "co_design"
    online_exchange = "online_exchange"
    presentation = "presentation"


class MeetingStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class RegistrationStatus(StrEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


meeting_cohost = sa.Table(
    "event_cohost",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("city_id", sa.ForeignKey("city.id"), primary_key=True),
)

agenda_speaker = sa.Table(
    "event_session_speaker",
    db.metadata,
    sa.Column(
        "session_id", sa.ForeignKey("event_session.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Meeting(ModelBase):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text)  # Markdown, rendered safe
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind, "event_kind"), index=True)
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "event_status"), default=MeetingStatus.scheduled
    )
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)  # the lead host
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    venue_name: Mapped[str] = mapped_column(sa.String(160), default="", server_default="")
    venue_address: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    # Shown to confirmed registrants and organisers only.
    online_url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    # Language codes spoken at the event, space-separated ("it en").
    spoken_languages: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    capacity: Mapped[int | None] = mapped_column()  # None: no limit
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cover_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attachment.id", ondelete="SET NULL")
    )
    minutes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    minutes_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    city: Mapped[City] = relationship(lazy="raise")
    cohost_cities: Mapped[list[City]] = relationship(secondary=meeting_cohost, lazy="raise")
    cover: Mapped[Attachment | None] = relationship(lazy="raise")
    agenda: Mapped[list[AgendaItem]] = relationship(
        cascade="all, delete-orphan", lazy="raise", order_by="(AgendaItem.starts_at, AgendaItem.id)"
    )
    links: Mapped[list[MeetingLink]] = relationship(
        cascade="all, delete-orphan", lazy="raise", order_by="MeetingLink.id"
    )
    files: Mapped[list[MeetingFile]] = relationship(
        cascade="all, delete-orphan", lazy="raise", order_by="MeetingFile.id"
    )

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def host_city_ids(self) -> set[int]:
        return {self.city_id, *(c.id for c in self.cohost_cities)}

    @property
    def host_cities(self) -> list[City]:
        return [self.city, *sorted(self.cohost_cities, key=lambda c: c.name)]

    @property
    def languages(self) -> list[str]:
        return self.spoken_languages.split()

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.cancelled

    @property
    def is_published(self) -> bool:
        return True  # every event is public from its creation; a cancelled one stays readable

    @property
    def moderation_city_ids(self) -> set[int]:
        return self.host_city_ids

    @property
    def answers_kept_until(self) -> datetime:
        return self.ends_at + ANSWERS_KEPT

    def is_past(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or utcnow())

    def registration_window(self) -> tuple[datetime, datetime]:
        """When registering is possible: from the opening (else the creation) to the closing
        (else the start)."""
        return (
            self.registration_opens_at or self.created_at,
            self.registration_closes_at or self.starts_at,
        )


class AgendaItem(ModelBase):
    """One session of the agenda: a time, a room, speakers (members or named guests)."""

    __tablename__ = "event_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(sa.String(160), default="", server_default="")
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Speakers without an account, one name per line.
    guest_speakers: Mapped[str] = mapped_column(sa.String(1000), default="", server_default="")

    speakers: Mapped[list[User]] = relationship(secondary=agenda_speaker, lazy="raise")

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    @property
    def guest_names(self) -> list[str]:
        return [line.strip() for line in self.guest_speakers.splitlines() if line.strip()]


class Registration(ModelBase):
    """A seat (or a place on the waiting list): a member's own, or one of a city's delegation
    (a member of that city, or a named guest without an account)."""

    __tablename__ = "event_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    guest_name: Mapped[str | None] = mapped_column(sa.String(120))
    # The city the person comes for: the member's own, or the delegation's for a guest.
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    in_delegation: Mapped[bool] = mapped_column(default=False)
    registered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus, "registration_status"), index=True
    )
    # The waiting list's order: when the person (last) asked for a seat.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Questions for the organisers: erased ANSWERS_KEPT after the event ends.
    # Their member's alone: a data export shows them to nobody else (livinglab.privacy).
    dietary_needs: Mapped[str | None] = mapped_column(sa.String(500), info=PERSONAL)
    accessibility_needs: Mapped[str | None] = mapped_column(sa.String(500), info=PERSONAL)
    answers_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the registration's QR code opens for an organiser at the door.
    check_in_code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    meeting: Mapped[Meeting] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="raise")
    city: Mapped[City] = relationship(lazy="raise")

    __table_args__ = (
        # One registration per member and event (cancelled ones are reused when they return).
        sa.UniqueConstraint("event_id", "user_id", name="uq_event_registration_once"),
        sa.CheckConstraint("(user_id IS NULL) <> (guest_name IS NULL)", name="member_or_guest"),
        sa.Index("ix_event_registration_queue", "event_id", "status", "queued_at"),
    )

    @property
    def name(self) -> str:
        return self.user.display_name if self.user is not None else (self.guest_name or "")

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.cancelled


class MeetingLink(ModelBase):
    """What an event is about: the challenges, ideas and pilots it advances (``advances``),
    and those created at it (``outcome``), named in its minutes."""

    __tablename__ = "event_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"), index=True
    )
    target_type: Mapped[str] = mapped_column(sa.String(16))  # challenge, idea, pilot
    target_id: Mapped[int] = mapped_column()
    role: Mapped[str] = mapped_column(sa.String(16), default="advances")  # or "outcome"

    __table_args__ = (
        sa.UniqueConstraint(
            "event_id", "session_id", "target_type", "target_id", "role", name="uq_event_link"
        ),
        sa.Index("ix_event_link_target", "target_type", "target_id"),
        sa.CheckConstraint("target_type IN ('challenge', 'idea', 'pilot')", name="target_type"),
        sa.CheckConstraint("role IN ('advances', 'outcome')", name="role"),
    )


class MeetingFile(ModelBase):
    """An attachment or photo of the minutes."""

    __tablename__ = "event_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    attachment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attachment.id", ondelete="CASCADE"), index=True
    )

    attachment: Mapped[Attachment] = relationship(lazy="raise")


class CalendarKey(ModelBase):
    """The secret in a member's personal calendar address; a new one ends the old address."""

    __tablename__ = "event_calendar_key"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeetingReminder(ModelBase):
    """A reminder sent: one per registration and start time, so a reminder is never sent twice,
    and an event moved to another day is announced again for its new start."""

    __tablename__ = "event_reminder"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_registration.id", ondelete="CASCADE"), primary_key=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
