"""The German words and formats of lpr-geo: one place for every label, number, date and counted phrase.

Users read German in the dashboard, the command line, the exports and the messages. Everything they read
that is built from parts goes through here, so that it is right once and the same everywhere:

- **Counted nouns** (:class:`Noun`): "1 Nachbar", "3 Nachbarn", "3 von 18 Kreisen" (dative plural after
  "von"), never "1 Nachbarn" or "3 von 18 Kreise".
- **Levels** (:data:`LEVELS`): what the level switch, the tables and the messages call Kreise, Ämter and
  Gemeinden, with each level's counted noun.
- **Labels** of statuses and roles (:data:`STATUS_LABELS`, :data:`ROLE_LABELS`); the codes themselves are
  English and stable (they are stored), the labels are what users see.
- **Numbers and dates** in German notation: ``12.345,6``, ``12,3 %``, ``07.06.2021``, and one tolerant
  parser for the dates users type (:func:`parse_date`).

Nothing here knows the register or the web app; both import it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

#: Local time of the users (Brandenburg): timestamps are stored in UTC and shown in this zone.
LOCAL_TIME = ZoneInfo("Europe/Berlin")
#: Shown where a number, a date or a text is not known.
MISSING = "–"


# --- counted nouns --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Noun:
    """A German noun with the forms a counted phrase needs.

    Parameters
    ----------
    singular : str
        Nominative singular ("Kreis").
    plural : str
        Nominative plural ("Kreise").
    dative_plural : str, optional
        Dative plural ("Kreisen"), used after "von"; default: the plural.
    """

    singular: str
    plural: str
    dative_plural: str = ""

    def count(self, n: int) -> str:
        """``1 Kreis``, ``0 Kreise``, ``3 Kreise`` (thousands separated: ``1.234 Gemeinden``)."""
        return f"{number(n)} {self.singular if n == 1 else self.plural}"

    def word(self, n: int) -> str:
        """The noun alone, as ``n`` needs it: ``Kreis`` for 1, else ``Kreise``."""
        return self.singular if n == 1 else self.plural

    def dative(self, n: int) -> str:
        """``in den letzten 180 Tagen``, ``nach 1 Jahr``: the count in the dative (after "in", "nach")."""
        return f"{number(n)} {self.singular if n == 1 else (self.dative_plural or self.plural)}"

    def of(self, part: int, whole: int) -> str:
        """``3 von 18 Kreisen``; ``1 von 1 Kreis`` when the whole is one."""
        noun = self.singular if whole == 1 else (self.dative_plural or self.plural)
        return f"{number(part)} von {number(whole)} {noun}"


KREIS = Noun("Kreis", "Kreise", "Kreisen")
AMT = Noun("Amt", "Ämter", "Ämtern")
AMT_UNIT = Noun(
    "Amt oder amtsfreie Gemeinde", "Ämter und amtsfreie Gemeinden", "Ämtern und amtsfreien Gemeinden"
)
GEMEINDE = Noun("Gemeinde", "Gemeinden")
REGION = Noun("Region", "Regionen")
MEMBER = Noun("Mitglied", "Mitglieder", "Mitgliedern")
NEIGHBOUR = Noun("Nachbar", "Nachbarn")
STOP = Noun("Station", "Stationen")
DATA_ROW = Noun("Datenzeile", "Datenzeilen")
ROW = Noun("Zeile", "Zeilen")
CELL = Noun("Zelle", "Zellen")
ENTRY = Noun("Eintrag", "Einträge", "Einträgen")
PROBLEM = Noun("Problem", "Probleme", "Problemen")
CONTACT_PERSON = Noun("Ansprechpartner", "Ansprechpartner", "Ansprechpartnern")
STATUS_ENTRY = Noun("Statuseintrag", "Statuseinträge", "Statuseinträgen")
STATUS_CHANGE = Noun("Statusänderung", "Statusänderungen")
ACTIVITY = Noun("Aktivität", "Aktivitäten")
MINUTE = Noun("Minute", "Minuten")
DAY = Noun("Tag", "Tage", "Tagen")
YEAR = Noun("Jahr", "Jahre", "Jahren")
AUDIT_ENTRY = Noun("Protokolleintrag", "Protokolleinträge", "Protokolleinträgen")
TEXT_PASSAGE = Noun("Textstelle", "Textstellen")
LOGIN_ATTEMPT = Noun("Anmeldeversuch", "Anmeldeversuche", "Anmeldeversuchen")
INHABITANT = Noun("Einwohner", "Einwohner", "Einwohnern")
FOLLOW_UP = Noun("Wiedervorlage", "Wiedervorlagen")


def counted(n: int, noun: Noun) -> str:
    """``1 Nachbar`` / ``2 Nachbarn``: shorthand for :meth:`Noun.count`."""
    return noun.count(n)


def conjugated(n: int, singular: str, plural: str) -> str:
    """The verb that agrees with a count: ``1 ist``, ``3 sind`` (``conjugated(n, "ist", "sind")``)."""
    return singular if n == 1 else plural


def enumeration(items: Iterable[str], last: str = "und") -> str:
    """``a``, ``a und b``, ``a, b und c`` (``last="oder"`` for alternatives)."""
    items = [item for item in items if item]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


# --- levels ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelWords:
    """How one administrative level is named.

    Parameters
    ----------
    code : str
        The stable code (``kreis``, ``amt``, ``gemeinde``).
    noun : Noun
        The counted noun of a region of the level ("3 von 18 Kreisen").
    label : str
        The level as a whole, short (level switch, column headers): "Kreise", "Ämter", "Gemeinden".
    title : str
        The level as a whole, exact (map summary, exports): "Ämter und amtsfreie Gemeinden".
    """

    code: str
    noun: Noun
    label: str
    title: str

    @property
    def singular(self) -> str:
        """One region of the level: "Kreis", "Amt oder amtsfreie Gemeinde", "Gemeinde"."""
        return self.noun.singular


#: The participant levels, from coarse to fine.
LEVELS: dict[str, LevelWords] = {
    "kreis": LevelWords("kreis", KREIS, "Kreise", "Kreise und kreisfreie Städte"),
    "amt": LevelWords("amt", AMT_UNIT, "Ämter", "Ämter und amtsfreie Gemeinden"),
    "gemeinde": LevelWords("gemeinde", GEMEINDE, "Gemeinden", "Gemeinden"),
}
#: What a region is called in files and messages, one word per level ("Ebene Amt passt nicht ...").
LEVEL_NAMES: dict[str, str] = {"kreis": "Kreis", "amt": "Amt", "gemeinde": "Gemeinde"}


# --- labels of stored codes -----------------------------------------------------------------------------

#: German labels of the status codes (see :class:`lpr_geo.status.Status`).
STATUS_LABELS: dict[str, str] = {
    "member": "Mitglied",
    "committed": "Mitarbeit zugesagt",
    "in_talks": "Im Gespräch",
    "requested": "Angefragt",
    "declined": "Kein Interesse",
    "left": "Ausgetreten",
    "not_contacted": "Nicht kontaktiert",
}
#: German labels of the role codes.
ROLE_LABELS: dict[str, str] = {"viewer": "Betrachter", "editor": "Bearbeiter", "admin": "Administrator"}


#: Tables of the register as the Änderungsprotokoll names them (``privacy``: requests for access and erasure).
AUDIT_TABLE_LABELS: dict[str, str] = {
    "participants": "Region",
    "status_events": "Status",
    "contacts": "Kontaktperson",
    "activities": "Aktivität",
    "networks": "Netzwerk",
    "users": "Benutzerkonto",
    "privacy": "Datenschutz",
}
#: Column names in German; (table, column) where a name means different things in different tables.
AUDIT_FIELD_LABELS: dict[str | tuple[str, str], str] = {
    "level": "Ebene",
    "key": "Schlüssel",
    "name": "Name",
    "kreis_key": "Kreisschlüssel",
    "description": "Beschreibung",
    "founded": "Gegründet",
    "is_sample": "Beispieldaten",
    "participant_id": "Region (Nr.)",
    "network_id": "Netzwerk (Nr.)",
    "status": "Status",
    "effective_date": "Gültig ab",
    "note": "Notiz",
    "created_at": "Angelegt am",
    "created_by": "Angelegt von",
    "role": "Funktion",
    ("users", "role"): "Rolle",
    "organisation": "Organisation",
    "email": "E-Mail",
    "phone": "Telefon",
    "date": "Datum",
    "kind": "Art",
    "place": "Ort",
    "attendees": "Teilnehmende",
    "outcome": "Ergebnis",
    "next_step": "Nächster Schritt",
    "next_step_due": "Fällig am",
    "request_key": "Formularschlüssel",
    "password_hash": "Passwort",
    "active": "Aktiv",
    ("privacy", "access"): "Auskunft",
    ("privacy", "erasure"): "Löschung",
}


def lateness(days_late: int) -> str:
    """How a next step stands on a day: ``überfällig seit 3 Tagen``, ``heute fällig``, ``fällig in 1 Tag``."""
    if days_late > 0:
        return f"überfällig seit {DAY.dative(days_late)}"
    if days_late == 0:
        return "heute fällig"
    return f"fällig in {DAY.dative(-days_late)}"


def audit_field_label(table: str, field: str) -> str:
    """A column of the register in German, as the Änderungsprotokoll names it (unknown: the code)."""
    return AUDIT_FIELD_LABELS.get((table, field)) or AUDIT_FIELD_LABELS.get(field) or field


def kreis_membership(kreis: str, since: dt.date | str | None) -> str:
    """``Landkreis Havelland ist Mitglied seit 15.04.2021`` (``kreis`` with its designation)."""
    return f"{kreis} ist {status_since('member', since)}"


def status_since(status_code: str, since: dt.date | str | None) -> str:
    """``Mitglied seit 07.06.2021``; without a date only the label (never a dangling "seit")."""
    label = STATUS_LABELS[status_code]
    shown = date(since)
    return f"{label} seit {shown}" if shown else label


# --- numbers --------------------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    """None, NaN, NaT or pandas' NA (whose comparison cannot even be asked)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


def number(value: float | int | None, decimals: int = 0) -> str:
    """``12345.6`` -> ``12.345,6`` (German separators); missing -> ``–``."""
    if _is_missing(value):
        return MISSING
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(value: float | None, decimals: int = 1) -> str:
    """``12.345`` -> ``12,3 %``."""
    return MISSING if _is_missing(value) else f"{number(value, decimals)} %"


def km2(value: float | None, decimals: int = 0) -> str:
    """``2156.1`` -> ``2.156 km²``."""
    return MISSING if _is_missing(value) else f"{number(value, decimals)} km²"


def km(value: float | None, decimals: int = 0) -> str:
    """``12.34`` -> ``12 km``; ``decimals=1`` -> ``12,3 km``."""
    return MISSING if _is_missing(value) else f"{number(value, decimals)} km"


def duration(minutes: float) -> str:
    """Driving time: ``45 min``, ``1 h 05 min``."""
    hours, rest = divmod(int(round(minutes)), 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


# --- dates ----------------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4}|\d{2})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def date(value: dt.date | dt.datetime | str | None) -> str:
    """``07.06.2021`` from a date, a datetime or an ISO string; empty for a missing value."""
    if _is_missing(value) or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value:%d.%m.%Y}"


def date_time(value: dt.datetime | None) -> str:
    """``07.06.2021, 14:05 Uhr`` in local time (a naive value is taken as UTC, as stored)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return f"{value.astimezone(LOCAL_TIME):%d.%m.%Y, %H:%M} Uhr"


def parse_date(text: object, what: str = "Datum") -> dt.date:
    """A date as users type it: ``7.6.2021``, ``07.06.2021``, ``7.6.21`` (this century) or ``2021-06-07``.

    Parameters
    ----------
    text : object
        What was typed or read from a cell (a ``datetime.date`` passes through).
    what : str
        The field, as the message should name it ("Gültig ab").

    Returns
    -------
    datetime.date

    Raises
    ------
    ValueError
        With a German message naming the field: empty ("Gültig ab: bitte ein Datum angeben
        (TT.MM.JJJJ)") or not a date ("Gültig ab: »31.02.2021« ist kein gültiges Datum (TT.MM.JJJJ)").
    """
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    typed = "" if text is None else str(text)
    if not typed.strip():
        raise ValueError(f"{what}: bitte ein Datum angeben (TT.MM.JJJJ)")
    german, iso = _DATE_TEXT.match(typed), _ISO_DATE.match(typed)
    try:
        if german:
            year = int(german[3]) + (2000 if len(german[3]) == 2 else 0)
            return dt.date(year, int(german[2]), int(german[1]))
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        pass
    shown = typed.strip() if len(typed.strip()) <= 40 else typed.strip()[:39] + "…"
    raise ValueError(f"{what}: »{shown}« ist kein gültiges Datum (TT.MM.JJJJ)")
