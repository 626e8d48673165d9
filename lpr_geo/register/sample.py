"""The sample register shipped for the embedded default: plainly labelled sample data ("Beispieldaten").

Public facts it rests on: AG 4 was founded on 20.02.2020; on 07.06.2021 the mayor of Elsterwerda
signalled after a meeting in the town hall that the town would join; Falkensee hosted the meeting of
04.12.2025; Senftenberg has a prevention council (Landespräventionspreis 2017). Every other entry, all
dates not named here, all people and addresses are fictitious, so that every status and every level
(Kreis, Amt, Gemeinde) appears.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lpr_geo.boundaries import Boundaries
from lpr_geo.status import Status

from .database import register_session
from .models import DEFAULT_NETWORK, Activity, Contact, Network, Participant, StatusEvent
from .regions import level_of_key, regions

SAMPLE_USER = "Beispieldaten"
#: What the dashboard's banner says about the sample register: which of its entries are public facts.
SAMPLE_FACTS = (
    "Öffentlich belegt sind nur Gründung (20.02.2020), Elsterwerda (07.06.2021), Falkensee "
    "(04.12.2025) und Senftenberg (Präventionspreis 2017)."
)
SAMPLE_DESCRIPTION = (
    "Beispieldaten: fiktive Einträge zur Erprobung. Belegt sind nur die Gründung am 20.02.2020, "
    "Elsterwerda (07.06.2021), Falkensee (Sitzung 04.12.2025) und der Präventionsrat Senftenberg."
)

M, C, T, R, D, L = (
    Status.MEMBER,
    Status.COMMITTED,
    Status.IN_TALKS,
    Status.REQUESTED,
    Status.DECLINED,
    Status.LEFT,
)

#: key -> status history as (ISO date, status, note).
HISTORY: dict[str, list[tuple[str, Status, str]]] = {
    # Kreise and kreisfreie Städte
    "12054": [("2020-02-20", M, "")],
    "12052": [("2020-05-12", R, ""), ("2020-11-03", M, "")],
    "12062": [("2021-09-14", R, ""), ("2023-02-08", T, "")],
    "12063": [("2020-03-02", R, ""), ("2020-10-21", C, ""), ("2021-04-15", M, "")],
    "12066": [("2022-01-18", R, ""), ("2022-09-27", C, "")],
    "12070": [("2024-03-11", R, "")],
    "12073": [("2021-02-01", R, ""), ("2021-08-30", D, "derzeit keine Kapazitäten (Beispiel)")],
    # Ämter
    "120625207": [("2021-07-05", R, ""), ("2022-03-22", T, ""), ("2022-11-09", M, "")],
    "120605003": [("2023-05-04", R, ""), ("2024-01-16", T, "")],
    "120645406": [("2025-02-10", R, "")],
    "120665607": [("2023-09-12", R, ""), ("2024-06-05", C, "")],
    "120695910": [("2022-04-20", R, ""), ("2022-10-11", D, "")],
    "120715102": [("2020-09-15", R, ""), ("2021-03-03", M, ""), ("2024-12-31", L, "Austritt zum Jahresende")],
    "120735304": [("2025-10-06", R, "")],
    "120685805": [("2024-08-19", R, ""), ("2025-04-29", T, "")],
    # Gemeinden
    "12062124": [
        ("2021-03-15", R, "Anschreiben an die Bürgermeisterin"),
        ("2021-06-07", C, "Bereitschaft zur Mitarbeit nach Gespräch im Rathaus signalisiert"),
    ],
    "12063080": [("2020-06-03", R, ""), ("2020-12-08", T, ""), ("2021-05-18", M, "")],
    "12066304": [("2020-02-20", M, "Kommunaler Präventionsrat (Landespräventionspreis 2017)")],
    "12060052": [("2020-04-14", R, ""), ("2020-09-29", M, "")],
    "12060020": [("2020-07-07", R, ""), ("2021-01-26", T, ""), ("2021-10-05", M, "")],
    "12061260": [("2021-05-11", R, ""), ("2021-11-23", M, "")],
    "12061316": [("2022-02-15", R, ""), ("2022-08-30", T, ""), ("2023-03-14", C, "")],
    "12062140": [("2021-06-08", R, ""), ("2022-05-17", D, "")],
    "12063252": [("2020-10-13", R, ""), ("2021-06-22", M, "")],
    "12063208": [("2023-01-10", R, ""), ("2023-07-04", T, "")],
    "12064472": [("2020-03-24", R, ""), ("2020-08-18", M, ""), ("2023-06-30", L, "")],
    "12064448": [("2024-02-06", R, "")],
    "12065256": [("2020-02-20", M, "")],
    "12065136": [("2021-09-07", R, ""), ("2022-02-22", M, "")],
    "12066176": [("2022-06-14", R, ""), ("2023-01-24", C, ""), ("2023-09-05", M, "")],
    "12067120": [("2020-11-17", R, ""), ("2021-05-04", T, ""), ("2022-01-11", M, "")],
    "12067144": [("2023-04-18", R, ""), ("2024-09-10", T, "")],
    "12068320": [("2020-05-26", R, ""), ("2020-12-01", M, "")],
    "12068468": [("2025-03-18", R, ""), ("2026-01-13", T, "")],
    "12069616": [("2021-02-23", R, ""), ("2021-09-21", M, "")],
    "12069656": [("2024-05-07", R, ""), ("2024-11-12", D, "")],
    "12070424": [("2022-10-04", R, ""), ("2023-05-23", M, "")],
    "12071160": [("2021-04-13", R, ""), ("2021-12-07", M, ""), ("2025-06-30", L, "")],
    "12071372": [("2025-09-09", R, "")],
    "12072232": [("2020-08-04", R, ""), ("2021-02-09", M, "")],
    "12072477": [("2023-11-07", R, ""), ("2024-04-16", C, "")],
    "12073452": [("2022-03-08", R, ""), ("2022-09-13", T, ""), ("2023-04-25", M, "")],
    "12073532": [("2024-10-22", R, ""), ("2025-05-27", D, "")],
    "12069304": [("2026-02-03", R, "")],
}

#: key -> activities as (ISO date, kind, place, attendees, outcome, next step, ISO due date or "").
ACTIVITIES: dict[str, list[tuple[str, str, str, str, str, str, str]]] = {
    "12062124": [
        ("2021-03-15", "E-Mail", "", "Präventionsbeauftragter", "Einladung zur Mitarbeit verschickt", "", ""),
        (
            "2021-06-07",
            "Besuch",
            "Rathaus Elsterwerda",
            "Bürgermeisterin, Präventionsbeauftragter",
            "Bereitschaft zur Mitarbeit signalisiert",
            "Ansprechperson für die AG 4 benennen lassen",
            "2021-09-30",
        ),
    ],
    "12063080": [
        (
            "2025-12-04",
            "Sitzung",
            "Falkensee",
            "Mitglieder der AG 4",
            "Zweite Sitzung 2025 der AG 4, ausgerichtet von der Stadt Falkensee",
            "",
            "",
        )
    ],
    "12066304": [
        (
            "2025-05-14",
            "Telefonat",
            "",
            "Präventionsrat Senftenberg",
            "Erfahrungsbericht für die Frühjahrssitzung zugesagt",
            "",
            "",
        )
    ],
    "12062": [
        (
            "2023-02-08",
            "Besuch",
            "Kreisverwaltung Herzberg",
            "Dezernent, Präventionsbeauftragter",
            "Interesse bekundet",
            "Vorlage für den Kreistag abwarten",
            "2026-06-30",
        )
    ],
    "12068468": [
        (
            "2026-01-13",
            "Telefonat",
            "",
            "Ordnungsamtsleitung",
            "Gesprächstermin vereinbart",
            "Besuch im Rathaus",
            "2026-03-17",
        )
    ],
    "12067144": [
        ("2024-09-10", "Besuch", "Rathaus", "Bürgermeister", "Prüft Mitarbeit", "Nachfassen", "2026-02-28")
    ],
    "120605003": [
        (
            "2024-01-16",
            "Besuch",
            "Amtsverwaltung",
            "Amtsdirektor",
            "Offen für Mitarbeit",
            "Amtsausschuss informieren",
            "2026-04-30",
        )
    ],
    "120645406": [
        (
            "2025-02-10",
            "E-Mail",
            "",
            "Amtsdirektorin",
            "Informationsmaterial versandt",
            "Telefonisch nachfassen",
            "2026-03-31",
        )
    ],
    "12071372": [("2025-09-09", "E-Mail", "", "Bürgermeisterin", "Anfrage versandt", "", "")],
    "12073532": [
        (
            "2025-05-27",
            "Telefonat",
            "",
            "Ordnungsamt",
            "Derzeit kein Interesse",
            "In zwei Jahren erneut anfragen",
            "2027-05-31",
        )
    ],
}

_FIRST_NAMES = (
    "Anna",
    "Bernd",
    "Clara",
    "Dirk",
    "Elke",
    "Frank",
    "Gisela",
    "Heiko",
    "Ines",
    "Jörg",
    "Katrin",
    "Lutz",
)
_ROLES = ("Bürgermeisterin", "Ordnungsamtsleiter", "Präventionsbeauftragte", "Fachbereichsleiter Ordnung")


def _slug(name: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return "".join(ch for ch in name.casefold().translate(table) if ch.isalnum())


def fill_sample(engine: Engine, boundaries: Boundaries | None = None) -> None:
    """Fill an empty, up-to-date register with the sample data (the fixture of tests and demos).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        Engine of a register without participants.
    boundaries : Boundaries, optional
        The dataset the sample's regions are taken from; the bundled one by default.
    """
    with register_session(engine, SAMPLE_USER) as session:
        add_sample(session, boundaries)


def add_sample(session: Session, boundaries: Boundaries | None = None) -> None:
    """Add the sample's records in the session's transaction (to a register without participants)."""
    index = regions(boundaries)
    network = session.scalars(select(Network).where(Network.name == DEFAULT_NETWORK)).one()
    network.description = SAMPLE_DESCRIPTION
    network.is_sample = True
    for number, (key, history) in enumerate(HISTORY.items()):
        level = level_of_key(key)
        region = index.get(level, key) if level else None
        if region is None:
            raise ValueError(f"sample key {key} not in the boundary dataset")
        participant = Participant(level=level, key=key, name=region.name, kreis_key=region.kreis_key)
        first = _FIRST_NAMES[number % len(_FIRST_NAMES)]
        participant.contacts.append(
            Contact(
                name=f"{first} Beispiel",
                role=_ROLES[number % len(_ROLES)],
                organisation=f"Verwaltung {region.name}",
                email=f"{_slug(first)}.beispiel@{_slug(region.name)}.example.org",
                phone=f"0331 555{number:04d}",
            )
        )
        for day, status, note in history:
            participant.events.append(
                StatusEvent(
                    network=network,
                    status=status.value,
                    effective_date=dt.date.fromisoformat(day),
                    note=note,
                    created_by=SAMPLE_USER,
                )
            )
        session.add(participant)
        for day, kind, place, attendees, outcome, next_step, due in ACTIVITIES.get(key, []):
            session.add(
                Activity(
                    participant=participant,
                    network=network,
                    date=dt.date.fromisoformat(day),
                    kind=kind,
                    place=place,
                    attendees=attendees,
                    outcome=outcome,
                    next_step=next_step,
                    next_step_due=dt.date.fromisoformat(due) if due else None,
                )
            )
