"""Columns of a member file: the header the export writes and the spellings the import accepts."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True)
class Column:
    """One column: field id, header as exported, other accepted headers."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()


#: Columns in export order.
COLUMNS: tuple[Column, ...] = (
    Column("network", "Netzwerk", ("Gremium",)),
    Column("level", "Ebene", ("Typ", "Art")),
    Column("key", "Schlüssel", ("AGS", "AGS/Schlüssel", "Gemeindeschlüssel", "Kennziffer", "Kreisschlüssel")),
    Column("name", "Name", ("Region", "Gebietskörperschaft", "Kommune")),
    Column("gemeinde", "Gemeinde", ("Stadt", "Stadt/Gemeinde", "Gemeinde/Stadt")),
    Column("amt", "Amt", ("Verwaltung", "Amt/Verwaltung", "Verbandsgemeinde")),
    Column("kreis", "Kreis", ("Landkreis", "Landkreis/kreisfreie Stadt")),
    Column("status", "Status"),
    Column("since", "Seit", ("Datum", "seit dem", "Gültig ab")),
    Column("note", "Bemerkung", ("Bemerkungen", "Notiz", "Anmerkung")),
    Column("contact", "Ansprechpartner", ("Ansprechpartnerin", "Ansprechperson", "Kontakt", "Kontaktperson")),
    Column("role", "Funktion", ("Rolle", "Position")),
    Column("organisation", "Organisation", ("Dienststelle", "Behörde")),
    Column("email", "E-Mail", ("Mail", "E-Mail-Adresse", "Email-Adresse")),
    Column("phone", "Telefon", ("Tel", "Telefonnummer", "Tel.-Nr.")),
)
#: Columns the export writes (the level-specific name columns are import-only conveniences).
EXPORT_FIELDS: tuple[str, ...] = tuple(c.field for c in COLUMNS if c.field not in ("gemeinde", "amt"))
HEADERS: dict[str, str] = {c.field: c.header for c in COLUMNS}


def _header_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold().translate(_UMLAUTS))


_BY_HEADER: dict[str, str] = {_header_key(h): c.field for c in COLUMNS for h in (c.header, *c.aliases)}


def field_of(header: str) -> str | None:
    """Return the field a header stands for, ignoring case, blanks, punctuation and umlaut spelling."""
    return _BY_HEADER.get(_header_key(header))
