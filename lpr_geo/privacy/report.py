"""The access report as files: complete JSON, and a German HTML summary next to it.

``lpr-geo privacy export OUT`` writes the JSON file ``OUT`` (e.g. ``auskunft.json``) and the summary with
the same name ending in ``.html``; the dashboard sends both in one ZIP file. The HTML page loads nothing
(no script, no font, no image, its style inline), so it opens the same in any browser without a network,
and every value in it is escaped. Both files hold personal data: they are written readable by their owner
only.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from html import escape
from pathlib import Path

from lpr_geo.register.errors import InvalidInput
from lpr_geo.vocabulary import LOCAL_TIME, MISSING, date, date_time

from .access import SECTIONS, Disclosure

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; line-height: 1.4; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #888; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
.hint { color: #333; }
"""
#: Column titles of each section's table, by JSON key.
COLUMNS: dict[str, dict[str, str]] = {
    "ansprechpartner": {
        "nr": "Nr.",
        "region": "Region",
        "name": "Name",
        "funktion": "Funktion",
        "organisation": "Organisation",
        "email": "E-Mail",
        "telefon": "Telefon",
    },
    "aktivitaeten": {
        "nr": "Nr.",
        "region": "Region",
        "datum": "Datum",
        "art": "Art",
        "ort": "Ort",
        "teilnehmende": "Teilnehmende",
        "ergebnis": "Ergebnis",
        "naechster_schritt": "Nächster Schritt",
        "faellig_am": "Fällig am",
        "nennt_die_person_in": "Nennt die Person in",
    },
    "statuseintraege": {
        "nr": "Nr.",
        "region": "Region",
        "netzwerk": "Netzwerk",
        "status": "Status",
        "gueltig_ab": "Gültig ab",
        "notiz": "Bemerkung",
    },
    "netzwerke": {"nr": "Nr.", "name": "Netzwerk", "beschreibung": "Beschreibung"},
    "aenderungsprotokoll": {
        "zeitpunkt": "Zeitpunkt",
        "bereich": "Bereich",
        "datensatz": "Datensatz",
        "feld": "Feld",
        "alter_wert": "Alter Wert",
        "neuer_wert": "Neuer Wert",
        "grund": "Warum enthalten",
    },
    "benutzerkonten": {
        "name": "Benutzername",
        "rolle": "Rolle",
        "aktiv": "Aktiv",
        "angelegt_am": "Angelegt am",
    },
    "anmeldeversuche": {"zeitpunkt": "Zeitpunkt", "erfolgreich": "Erfolgreich"},
    "anmeldesitzungen": {"angemeldet_am": "Angemeldet am", "letzte_anfrage_am": "Letzte Anfrage"},
}
_DAYS = {"datum", "faellig_am", "gueltig_ab"}


def _cell(key: str, value: object) -> str:
    if value is None or value == "" or value == []:
        return MISSING
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if key in _DAYS:
        return date(str(value))
    if isinstance(value, str) and key in ("zeitpunkt", "angelegt_am", "angemeldet_am", "letzte_anfrage_am"):
        return date_time(dt.datetime.fromisoformat(value))
    return str(value)


def _table(section: str, records: list[dict]) -> str:
    columns = COLUMNS[section]
    head = "".join(f'<th scope="col">{escape(title)}</th>' for title in columns.values())
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(key, record.get(key)))}</td>" for key in columns) + "</tr>"
        for record in records
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def summary_html(report: Disclosure) -> str:
    """The German HTML summary of an access report (one self-contained page)."""
    query = report.query
    if query.email is not None:
        searched = f"E-Mail-Adresse »{query.email}«"
    elif query.name is not None:
        searched = f"Name »{query.name}«"
    else:
        searched = f"Ansprechpartner Nr. {query.contact_id}"
    parts = [
        "<h1>Auskunft nach Art. 15 DSGVO</h1>",
        "<p>Register des Netzwerks Kriminalprävention vor Ort (Landespräventionsrat Brandenburg). "
        f"Erstellt am {escape(date_time(report.created_at))} für: {escape(searched)}.</p>",
        '<p class="hint">Gesucht wurde genau: die E-Mail-Adresse ohne Unterschied von Groß- und '
        "Kleinschreibung, der Name ohne Unterschied von Groß- und Kleinschreibung und von Leerzeichen und "
        "als ganzes Wort; es gibt keine Ähnlichkeitssuche. Angaben zu anderen Personen sind durch "
        "»[andere Person]« ersetzt. Bei Änderungen, die die Person selbst im Dashboard vorgenommen hat, "
        "sind nur Zeitpunkt, Bereich, Datensatz und Feld angegeben. Die vollständige, maschinenlesbare "
        "Fassung ist die JSON-Datei mit demselben Namen.</p>",
    ]
    for section, title in SECTIONS.items():
        records = report.sections[section]
        parts.append(f"<h2>{escape(title)} ({len(records)})</h2>")
        parts.append(_table(section, records) if records else "<p>Keine.</p>")
    body = "\n".join(parts)
    day = date(report.created_at.astimezone(LOCAL_TIME))
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Auskunft nach Art. 15 DSGVO – {escape(day)}</title>"
        f"<style>{_STYLE}</style></head>\n<body><main>\n{body}\n</main></body>\n</html>\n"
    )


def report_paths(out: Path) -> tuple[Path, Path]:
    """The JSON file named on the command line and the HTML summary next to it (``x.json`` -> ``x.html``).

    Raises
    ------
    lpr_geo.register.InvalidInput
        If ``out`` ends in ``.html`` (it names the JSON file) or is a directory.
    """
    if out.suffix.lower() in (".html", ".htm"):
        raise InvalidInput(
            "out",
            f"{out}: bitte die JSON-Datei angeben (z. B. auskunft.json); die HTML-Fassung "
            "wird daneben geschrieben.",
        )
    if out.is_dir():
        raise InvalidInput(
            "out", f"{out} ist ein Verzeichnis; bitte einen Dateinamen angeben (z. B. auskunft.json)."
        )
    return out, out.with_suffix(".html")


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read: it holds personal data."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)  # an existing file keeps its mode on O_CREAT


def write_report(report: Disclosure, out: Path) -> tuple[Path, Path]:
    """Write the report as JSON to ``out`` and as a German HTML summary next to it (mode 0600).

    Returns
    -------
    tuple of Path
        The JSON file and the HTML file.
    """
    json_path, html_path = report_paths(out)
    _write_private(json_path, report.json_bytes())
    _write_private(html_path, summary_html(report).encode("utf-8"))
    return json_path, html_path


def zip_bytes(report: Disclosure) -> bytes:
    """Both files in one ZIP archive (``auskunft.json``, ``auskunft.html``), for a single download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("auskunft.json", report.json_bytes())
        archive.writestr("auskunft.html", summary_html(report).encode("utf-8"))
    return buffer.getvalue()
