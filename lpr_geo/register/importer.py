"""``members import``: a member file into the register, all rows or none, checked before it is applied.

Two steps, used alike by ``lpr-geo members import`` and the admin upload (:mod:`.staging`):

1. :func:`check_members` reads the file once, as a stream within the read limits, checks every row
   (:mod:`.import_rows`) and counts what applying would change, without writing anything.
2. :func:`apply_checked` writes exactly the rows that were checked, in one transaction.

A single problem anywhere means nothing is written and the report lists every problem with row, field
and reason. Importing the same file again changes nothing: a status event for the same region, network
and day is updated only if the file says something different, contacts are matched by region and name.
Everything the database would refuse (text longer than its column, NUL characters) or a user would not
mean (dates before the Land existed, before the network's founding or in the future, one person with two
different e-mail addresses) is a problem of its row, so no file can make the import fail halfway.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lpr_geo.boundaries import Boundaries
from lpr_geo.spreadsheets import ReadLimits
from lpr_geo.status import Status

from . import sample_switch
from .database import register_session
from .errors import RegisterError, quoted
from .import_report import ImportReport, Problem
from .import_rows import MAX_PROBLEMS, ImportRow, RowChecker, check_columns, check_duplicates
from .models import DEFAULT_NETWORK, Contact, Network, Participant, StatusEvent
from .regions import regions
from .sample_switch import SAMPLE_IN_THE_WAY, SampleRegisterError, holds_sample
from .tabular import open_table

#: New records are flushed (and audited) in batches of this many: memory stays flat however long the file.
_FLUSH_EVERY = 2_000
_CONTACT_DETAILS = ("role", "organisation", "email", "phone")


@dataclass
class CheckedImport:
    """A checked member file: its report (a dry run, with counts) and the rows to apply if it is ok."""

    report: ImportReport
    rows: list[ImportRow] = field(default_factory=list)

    def to_data(self) -> dict:
        """The checked rows as plain data (JSON), for applying them later (:mod:`.staging`)."""
        return {
            "name": self.report.path.name,
            "rows": self.report.rows,
            "notes": [[n.row, n.field, n.message] for n in self.report.notes],
            "checked": [
                [
                    r.number,
                    r.region.level,
                    r.region.key,
                    r.network,
                    r.status.value if r.status else None,
                    r.since.isoformat() if r.since else None,
                    r.note,
                    r.contact,
                ]
                for r in self.rows
            ],
        }

    @classmethod
    def from_data(cls, data: dict, boundaries: Boundaries | None = None) -> CheckedImport:
        """The checked import that :meth:`to_data` wrote.

        Its regions are looked up in ``boundaries``, the dataset it was checked against (by default the
        bundled one).

        Raises
        ------
        RegisterError
            If a region of the rows is no longer in the active boundaries (they changed since).
        """
        index = regions(boundaries)
        rows = []
        for number, level, key, network, status, since, note, contact in data["checked"]:
            region = index.get(level, key)
            if region is None:
                raise RegisterError(
                    f"Der Gebietsstand hat sich seit der Prüfung geändert (Zeile {number}: {key} gibt "
                    "es nicht mehr); bitte die Datei erneut prüfen."
                )
            rows.append(
                ImportRow(
                    number,
                    region,
                    network,
                    Status(status) if status else None,
                    dt.date.fromisoformat(since) if since else None,
                    note,
                    contact,
                )
            )
        notes = [Problem(row, name, message) for row, name, message in data["notes"]]
        report = ImportReport(path=Path(data["name"]), dry_run=True, rows=data["rows"], notes=notes)
        return cls(report, rows)


def check_members(
    engine: Engine,
    path: Path,
    *,
    network: str | None = None,
    limits: ReadLimits | None = None,
    boundaries: Boundaries | None = None,
) -> CheckedImport:
    """Read and check a member file and count what applying it would change; write nothing.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of an up-to-date register (its networks and current records are read).
    path : Path
        The file (CSV or XLSX). Headers are German (Gemeinde, Kreis, Amt, AGS/Schlüssel, Ebene, Status,
        Seit, Ansprechpartner, Funktion, E-Mail, Telefon, Bemerkung, optionally Netzwerk, Organisation,
        Name).
    network : str, optional
        Network for rows without a Netzwerk cell (default: AG 4).
    limits : ReadLimits, optional
        Size, data-row and cell limits (:meth:`ReadLimits.from_settings`); lpr_geo's defaults if omitted.
    boundaries : Boundaries, optional
        The dataset the rows' regions are looked up in (the active one); the bundled one if omitted.

    Returns
    -------
    CheckedImport
        Its report is a dry run; ``report.ok`` is False if any row had a problem (then ``rows`` is empty).

    Raises
    ------
    FileTooLarge
        If the file is over a limit (size, unpacked size, data rows, cells); reading stopped there.
    RegisterError
        If the file cannot be read at all (unknown format, missing or empty file, damaged XLSX, no text).
    """
    path = Path(path)
    report = ImportReport(path=path, dry_run=True)
    with register_session(engine) as session:  # short: no transaction stays open while the file is read
        known = {n.name: n.founded for n in session.scalars(select(Network))}
    index = regions(boundaries)
    checker = RowChecker(report, {}, index, known, network or DEFAULT_NETWORK)
    rows: list[ImportRow] = []
    with open_table(path, limits) as table:
        stream = table.rows
        if not table.header:
            first = next(stream, None)
            if first is None:
                raise RegisterError(f"{path.name}: die Datei ist leer")
            stream = itertools.chain([first], stream)
        report.notes += [Problem(1, "", note) for note in table.notes]
        positions, checker.headers = check_columns(report, table.header)
        if network and network not in known:
            checker.problem(1, "network", f"unbekanntes Netzwerk {quoted(network)} (Option --network)")
        checking = not report.problems
        for n, raw in stream:
            report.rows += 1  # every row counts, checked or not: the report says how long the file is
            if not checking:
                continue
            if len(report.problems) >= MAX_PROBLEMS:
                report.problems.append(
                    Problem(n, "", f"mehr als {MAX_PROBLEMS} Probleme; ab hier wurde nicht weiter geprüft")
                )
                checking = False
                continue
            cells = {positions[i]: c for i, c in enumerate(raw) if i in positions and c != ""}
            if (row := checker.row(n, cells)) is not None:
                rows.append(row)
    if not report.problems:
        check_duplicates(checker, rows)
    if report.problems:
        return CheckedImport(report)
    report.counts = _counts(engine, rows)
    return CheckedImport(report, rows)


def count_changes(engine: Engine, checked: CheckedImport) -> ImportReport:
    """A dry run of checked rows: what applying them would change in the register as it is now."""
    report = ImportReport(
        path=checked.report.path, dry_run=True, rows=checked.report.rows, notes=list(checked.report.notes)
    )
    report.counts = _counts(engine, checked.rows)
    return report


def apply_checked(
    engine: Engine, checked: CheckedImport, *, user: str | None = None, remove_sample: bool = False
) -> ImportReport:
    """Write the rows of a checked import in one transaction (all or nothing).

    Counts are taken again against the register as it is now: someone may have edited it since the
    check.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of the register.
    checked : CheckedImport
        From :func:`check_members` (or :meth:`CheckedImport.from_data`), without problems.
    user : str, optional
        Who imports (audit trail); the operating-system user by default.
    remove_sample : bool
        If the register still holds the sample register, delete it in the same transaction first.

    Returns
    -------
    ImportReport
        Not a dry run; the counts say what was written.

    Raises
    ------
    SampleRegisterError
        If the register holds the sample register and ``remove_sample`` is false; nothing was written.
    RegisterError
        If the check found problems, or a network of the rows no longer exists.
    """
    if not checked.report.ok:
        raise RegisterError(
            f"{checked.report.path.name}: die Prüfung hat Probleme gefunden; nichts übernommen"
        )
    report = ImportReport(
        path=checked.report.path, rows=checked.report.rows, notes=list(checked.report.notes)
    )
    with register_session(engine, user) as session:
        if holds_sample(session):
            if not remove_sample:
                raise SampleRegisterError(SAMPLE_IN_THE_WAY + " Nichts übernommen.")
            report.sample_removed = sample_switch.remove_sample(session)
        plan = _plan(session, checked.rows)
        _write(session, plan, session.info["user"])
        report.counts = plan.counts()
    return report


def import_members(
    engine: Engine,
    path: Path,
    *,
    network: str | None = None,
    dry_run: bool = False,
    user: str | None = None,
    limits: ReadLimits | None = None,
    remove_sample: bool = False,
    boundaries: Boundaries | None = None,
) -> ImportReport:
    """Check a member file (:func:`check_members`) and, if it has no problems, apply it.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of an up-to-date register.
    path : Path
        The file (CSV or XLSX).
    network : str, optional
        Network for rows without a Netzwerk cell (default: AG 4).
    dry_run : bool
        Check and count, but write nothing.
    user : str, optional
        Who imports (audit trail); the operating-system user by default.
    limits : ReadLimits, optional
        Size, data-row and cell limits; lpr_geo's defaults if omitted.
    remove_sample : bool
        If the register still holds the sample register, delete it in the import's transaction.
    boundaries : Boundaries, optional
        The dataset the rows' regions are looked up in (the active one); the bundled one if omitted.

    Returns
    -------
    ImportReport
        ``ok`` is False if any row had a problem; then nothing was written.

    Raises
    ------
    SampleRegisterError
        If the register holds the sample register, ``remove_sample`` is false and this is no dry run;
        refused before the file is read.
    FileTooLarge
        If the file is over a limit; reading stopped there and nothing was written.
    RegisterError
        If the file cannot be read at all.
    """
    if not dry_run and not remove_sample and sample_switch.register_holds_sample(engine):
        raise SampleRegisterError(SAMPLE_IN_THE_WAY + " Nichts übernommen.")
    checked = check_members(engine, path, network=network, limits=limits, boundaries=boundaries)
    if dry_run or not checked.report.ok:
        return checked.report
    return apply_checked(engine, checked, user=user, remove_sample=remove_sample)


# --- what applying changes, and writing it ------------------------------------------------------------------

_Place = tuple[str, str]  # (level, key)


@dataclass
class _Plan:
    """The records an import adds and the changes it makes, worked out before anything is written."""

    networks: dict[str, Network]
    participants: dict[_Place, Participant]  # existing ones
    new_participants: dict[_Place, ImportRow] = field(default_factory=dict)
    new_events: dict[tuple, ImportRow] = field(default_factory=dict)  # rows with a status
    changed_events: dict[tuple, tuple[StatusEvent, str, str]] = field(default_factory=dict)
    new_contacts: dict[tuple, dict[str, str]] = field(default_factory=dict)
    changed_contacts: dict[tuple, tuple[Contact, dict[str, str]]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "participants_added": len(self.new_participants),
            "events_added": len(self.new_events),
            "events_changed": len(self.changed_events),
            "contacts_added": len(self.new_contacts),
            "contacts_changed": len(self.changed_contacts),
        }


def _counts(engine: Engine, rows: list[ImportRow]) -> dict[str, int]:
    with register_session(engine) as session:
        return _plan(session, rows).counts()


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _plan(session: Session, rows: list[ImportRow]) -> _Plan:
    # Everything the rows may touch is loaded up front: a query per row made 100,000 rows take minutes.
    networks = {n.name: n for n in session.scalars(select(Network))}
    missing = sorted({r.network for r in rows} - set(networks))
    if missing:
        raise RegisterError(
            f"Netzwerk »{missing[0]}« gibt es nicht mehr; bitte die Datei erneut prüfen. Nichts übernommen."
        )
    participants = {(p.level, p.key): p for p in session.scalars(select(Participant))}
    network_names = {n.id: name for name, n in networks.items()}
    places = {p.id: place for place, p in participants.items()}
    wanted = sorted(
        {participants[k].id for k in {(r.region.level, r.region.key) for r in rows} if k in participants}
    )
    events: dict[tuple, StatusEvent] = {}
    contacts: dict[tuple, Contact] = {}
    for chunk in _chunks(wanted, 500):
        for event in session.scalars(select(StatusEvent).where(StatusEvent.participant_id.in_(chunk))):
            place = places[event.participant_id]
            events[(*place, network_names[event.network_id], event.effective_date)] = event
        for contact in session.scalars(select(Contact).where(Contact.participant_id.in_(chunk))):
            contacts[(*places[contact.participant_id], contact.name)] = contact
    plan = _Plan(networks, participants)
    for row in rows:
        place = (row.region.level, row.region.key)
        if place not in participants:
            plan.new_participants.setdefault(place, row)
        if row.status is not None and row.since is not None:
            ident = (*place, row.network, row.since)
            _plan_event(plan, events.get(ident), ident, row.status.value, row)
        if row.contact["contact"]:
            ident = (*place, row.contact["contact"])
            _plan_contact(plan, contacts.get(ident), ident, row)
    return plan


def _plan_event(plan: _Plan, event: StatusEvent | None, ident: tuple, status: str, row: ImportRow) -> None:
    if ident in plan.new_events:
        return  # a second row for the same event says the same (contradictions are problems)
    if event is None:
        plan.new_events[ident] = row
        return
    _, stored, note = plan.changed_events.get(ident, (event, event.status, event.note))
    if stored != status or (row.note and note != row.note):
        plan.changed_events[ident] = (event, status, row.note or note)


def _plan_contact(plan: _Plan, contact: Contact | None, ident: tuple, row: ImportRow) -> None:
    # Blank cells keep what the register (or an earlier row) knows: a short list must not erase details.
    given = {attr: row.contact[attr] for attr in _CONTACT_DETAILS if row.contact[attr]}
    if contact is None:
        plan.new_contacts.setdefault(ident, dict.fromkeys(_CONTACT_DETAILS, "")).update(given)
        return
    changes = {attr: value for attr, value in given.items() if getattr(contact, attr) != value}
    if changes:
        plan.changed_contacts.setdefault(ident, (contact, {}))[1].update(changes)


def _write(session: Session, plan: _Plan, user: str) -> None:
    participants = dict(plan.participants)
    for place, row in plan.new_participants.items():
        region = row.region
        participants[place] = Participant(
            level=region.level, key=region.key, name=region.name, kreis_key=region.kreis_key
        )
        session.add(participants[place])
    session.flush()  # the new participants get their ids
    for batch in _chunks(list(plan.new_events.items()), _FLUSH_EVERY):
        for (level, key, network, day), row in batch:
            session.add(
                StatusEvent(
                    participant_id=participants[(level, key)].id,
                    network_id=plan.networks[network].id,
                    status=row.status.value if row.status else None,
                    effective_date=day,
                    note=row.note,
                    created_by=user,
                )
            )
        session.flush()
    for event, status, note in plan.changed_events.values():
        event.status, event.note = status, note
    for batch in _chunks(list(plan.new_contacts.items()), _FLUSH_EVERY):
        for (level, key, name), values in batch:
            session.add(Contact(participant_id=participants[(level, key)].id, name=name, **values))
        session.flush()
    for contact, changes in plan.changed_contacts.values():
        for attr, value in changes.items():
            setattr(contact, attr, value)
    session.flush()
