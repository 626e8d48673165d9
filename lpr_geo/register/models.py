"""Tables of the register: networks, participants, status events, contacts, activities, audit, users, logins.

Every mutable row carries a ``version`` column (SQLAlchemy ``version_id_col``): an UPDATE only succeeds
when the row still has the version that was read, so a stale write raises a conflict
(:class:`lpr_geo.register.errors.ConflictError`) instead of silently overwriting someone else's change.
Status codes are stored as :class:`lpr_geo.status.Status` values; the German labels live there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from lpr_geo.status import EVENT_STATUSES

from .permissions import ROLES

#: Name of the network every register starts with.
DEFAULT_NETWORK = "AG 4 Vernetzungsgremium Kriminalprävention vor Ort"

#: Participant levels and the length of their keys.
KEY_LENGTHS: dict[str, int] = {"kreis": 5, "amt": 9, "gemeinde": 8}
#: Kinds of activities (stored as shown).
ACTIVITY_KINDS: tuple[str, ...] = ("Besuch", "Telefonat", "Sitzung", "E-Mail")

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names (needed by migrations)."""

    metadata = MetaData(naming_convention=_NAMING)


class Network(Base):
    """A network regions take part in (AG 4, a local prevention council, ...)."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    founded: Mapped[dt.date | None] = mapped_column(Date)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class Participant(Base):
    """A region at one level (Kreis, Amt/Verwaltung or Gemeinde), identified by its official key."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("level", "key", name="uq_participants_level_key"),
        CheckConstraint(f"level IN ({_in(tuple(KEY_LENGTHS))})", name="level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kreis_key: Mapped[str] = mapped_column(String(5))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    events: Mapped[list[StatusEvent]] = relationship(back_populates="participant")
    contacts: Mapped[list[Contact]] = relationship(back_populates="participant")

    __mapper_args__ = {"version_id_col": version}


class StatusEvent(Base):
    """A participant's status in a network from ``effective_date`` on (one event per day)."""

    __tablename__ = "status_events"
    __table_args__ = (
        UniqueConstraint("participant_id", "network_id", "effective_date", name="uq_status_events_day"),
        CheckConstraint(f"status IN ({_in(tuple(EVENT_STATUSES))})", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    participant: Mapped[Participant] = relationship(back_populates="events")
    network: Mapped[Network] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Contact(Base):
    """A contact person at a participant (personal data: shown to editors only)."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("participant_id", "name", name="uq_contacts_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    participant: Mapped[Participant | None] = relationship(back_populates="contacts")

    __mapper_args__ = {"version_id_col": version}


class Activity(Base):
    """A visit, call, meeting or e-mail concerning a participant, with outcome and next step.

    ``request_key`` is the idempotency key of the form that recorded it: a double click or a retried
    request with the same key finds this row instead of adding a second one (unique per participant;
    rows without a key, e.g. imported ones, never collide).
    """

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(ACTIVITY_KINDS)})", name="kind"),
        Index("uq_activities_request_key", "participant_id", "request_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id", ondelete="SET NULL"))
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(200), default="")
    #: Who took part (free text, e.g. "Bürgermeisterin, Präventionsbeauftragter").
    attendees: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    next_step_due: Mapped[dt.date | None] = mapped_column(Date)
    request_key: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    participant: Mapped[Participant] = relationship()
    network: Mapped[Network | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class AuditEntry(Base):
    """One changed field: who changed which record when, from which value to which (append-only)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    changed_by: Mapped[str] = mapped_column(String(100))
    table_name: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class UserAccount(Base):
    """A local login of the dashboard: unique name, role and argon2 password hash (never the password)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({_in(ROLES)})", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class LoginAttempt(Base):
    """One login attempt (append-only): the shared memory of the rate limiter across worker processes."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class LoginSession(Base):
    """A logged-in browser: the hash of its session token, the account (at the version it had) and two times.

    Written outside the audited session (a login is not a change of the register). It holds no token, no
    address and no browser details: the cookie carries the token, and only its SHA-256 hash is stored.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: ``users.version`` at login: any later change of the account (password, role, deactivation) ends it
    user_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
