"""Moving register entries from vanished region keys to their successors after a boundary change.

A participant keyed by a vanished Gemeinde or Amt key is re-keyed to the successor (the region that
now holds most of its area): same row, so its status history, contacts and activities stay attached.
Its name and Kreis become the successor's, the audit trail records the change and every status event
of the participant gets a note naming the old key. Nothing is deleted.

If the successor is already a participant (or two vanished entries would become the same one), the
whole migration is refused: merging two members' histories is a decision for a person, not for an
import. Nothing is written in that case.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import selectinload

from .database import register_session
from .errors import RegisterError
from .models import Participant

_LABELS = {"gemeinde": "Gemeinde", "amt": "Amt", "kreis": "Kreis"}


@dataclass(frozen=True)
class Rekey:
    """A vanished key of one level and the region that succeeds it."""

    level: str
    old_key: str
    new_key: str
    new_name: str


@dataclass(frozen=True)
class Migration:
    """A participant that moves (or, in a preview, would move) to a successor key."""

    participant_id: int
    level: str
    old_key: str
    old_name: str
    new_key: str
    new_name: str
    events: int

    def text(self) -> str:
        """German one-line description for reports."""
        label = _LABELS[self.level]
        return (
            f"Register: {label} »{self.old_name}« ({self.old_key}) → »{self.new_name}« ({self.new_key}), "
            f"{self.events} Statuseinträge bleiben erhalten"
        )


class SuccessionConflict(RegisterError):
    """A migration would make two participants one; nothing was changed."""


def _plan(session, rekeys: list[Rekey]) -> list[tuple[Participant, Rekey]]:
    by_old = {(r.level, r.old_key): r for r in rekeys}
    levels = {r.level for r in rekeys}
    participants = session.scalars(
        select(Participant)
        .where(Participant.level.in_(levels), Participant.key.in_([r.old_key for r in rekeys]))
        .options(selectinload(Participant.events))
        .order_by(Participant.level, Participant.key)
    ).all()
    plan = [(p, by_old[(p.level, p.key)]) for p in participants if (p.level, p.key) in by_old]
    existing = {
        (p.level, p.key): p
        for p in session.scalars(
            select(Participant).where(Participant.key.in_([r.new_key for _, r in plan]))
        ).all()
    }
    problems, claimed = [], {}
    for participant, rekey in plan:
        target = (rekey.level, rekey.new_key)
        label = f"{_LABELS[rekey.level]} »{participant.name}« ({participant.key})"
        if target in existing:
            other = existing[target]
            problems.append(
                f"{label} kann nicht nach {rekey.new_key} übertragen werden: »{other.name}« ({other.key}) "
                "ist bereits im Register"
            )
        elif target in claimed:
            problems.append(
                f"{label} und {claimed[target]} hätten beide den Nachfolger »{rekey.new_name}« "
                f"({rekey.new_key})"
            )
        else:
            claimed[target] = label
    if problems:
        raise SuccessionConflict(
            "Schlüsselnachfolge nicht übernommen, das Register bleibt unverändert: "
            + "; ".join(problems)
            + ". Bitte die Einträge zuerst von Hand zusammenführen und den Import wiederholen."
        )
    return plan


def _migration(participant: Participant, rekey: Rekey) -> Migration:
    return Migration(
        participant.id,
        rekey.level,
        participant.key,
        participant.name,
        rekey.new_key,
        rekey.new_name,
        len(participant.events),
    )


def preview_succession(engine: Engine, rekeys: list[Rekey]) -> list[Migration]:
    """The participants :func:`apply_succession` would move, without changing anything.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    rekeys : list of Rekey
        Vanished keys and their successors.

    Returns
    -------
    list of Migration

    Raises
    ------
    SuccessionConflict
        If a successor is already a participant, or two entries would get the same successor.
    """
    with register_session(engine) as session:
        migrations = [_migration(p, r) for p, r in _plan(session, rekeys)]
        session.rollback()
    return migrations


def apply_succession(
    engine: Engine, rekeys: list[Rekey], note: str, user: str | None = None
) -> list[Migration]:
    """Re-key the participants of vanished keys to their successors, all or nothing.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    rekeys : list of Rekey
        Vanished keys and their successors.
    note : str
        Why (e.g. ``"Gebietsstand VG250 01.01.2024"``); appended with the old key to every status event
        of a moved participant.
    user : str, optional
        Who does it (audit trail); the operating-system user by default.

    Returns
    -------
    list of Migration
        What was moved.

    Raises
    ------
    SuccessionConflict
        If a successor is already a participant, or two entries would get the same successor.
    """
    with register_session(engine, user) as session:
        plan = _plan(session, rekeys)
        migrations = [_migration(p, r) for p, r in plan]
        for participant, rekey in plan:
            remark = f"Schlüssel bis {note}: {participant.key} (»{participant.name}«)"
            for event in participant.events:
                event.note = f"{event.note}\n{remark}" if event.note else remark
            participant.key = rekey.new_key
            participant.name = rekey.new_name
            participant.kreis_key = rekey.new_key[:5]
    return migrations
