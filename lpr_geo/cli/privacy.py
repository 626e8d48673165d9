"""``lpr-geo privacy``: access report, erasure and retention review for contact persons (DSGVO).

The person is named by ``--email`` or ``--name`` (exact, see :mod:`lpr_geo.privacy.person`); the audit
trail records the operating-system user as the one who gave the report or erased.
"""

from __future__ import annotations

from pathlib import Path

import click

from lpr_geo.privacy import (
    ErasurePlan,
    PersonQuery,
    disclose,
    due_contacts,
    erase_person,
    plan_erasure,
    write_report,
)
from lpr_geo.privacy.access import SECTIONS
from lpr_geo.privacy.report import report_paths
from lpr_geo.register.database import default_user
from lpr_geo.settings import Settings
from lpr_geo.vocabulary import CONTACT_PERSON, ENTRY, YEAR, date

from .options import fail, register_of, uses_settings
from .register_errors import reports_register_errors


def _person_options(command):
    command = click.option(
        "--name",
        default=None,
        metavar="NAME",
        help="Name der Person, genau (Groß-/Kleinschreibung und Leerzeichen egal; keine Ähnlichkeitssuche).",
    )(command)
    return click.option(
        "--email",
        default=None,
        metavar="ADRESSE",
        help="E-Mail-Adresse der Person (Groß-/Kleinschreibung egal).",
    )(command)


@click.group()
def privacy() -> None:
    """Datenschutz: Auskunft, Löschung und Aufbewahrungsfristen für Kontaktdaten (DSGVO)."""


@privacy.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@_person_options
@uses_settings(db=True)
@reports_register_errors
def export_command(out: Path, email: str | None, name: str | None, settings: Settings) -> None:
    """Auskunft (DSGVO Artikel 15): alles Gespeicherte zu einer Person als JSON (OUT) und HTML daneben.

    OUT ist die JSON-Datei (z. B. auskunft.json); die deutsche Zusammenfassung kommt in dieselbe Datei
    mit der Endung .html. Beide enthalten personenbezogene Daten und sind nur für ihren Eigentümer
    lesbar. Das Änderungsprotokoll vermerkt »Auskunft erteilt« mit der Zahl der Einträge.
    """
    query = PersonQuery.of(email=email, name=name)
    json_path, html_path = report_paths(out)
    written: list[Path] = []
    try:
        report = disclose(
            register_of(settings),
            query,
            by=default_user(),
            deliver=lambda report: written.extend(write_report(report, out)),
        )
    except OSError as error:
        fail(f"{error.filename or json_path}: kann nicht geschrieben werden ({error.strerror})")
    click.echo(f"Auskunft ({ENTRY.count(report.items)}) nach {json_path} und {html_path} geschrieben:")
    for section, title in SECTIONS.items():
        click.echo(f"  {title}: {report.counts[section]}")


def _print_plan(sections: list[tuple[str, list[str]]]) -> None:
    for heading, items in sections:
        click.echo(heading + (":" if items else ""))
        for item in items:
            click.echo(f"  - {item}")


@privacy.command("erase")
@_person_options
@click.option(
    "--contact",
    type=click.IntRange(min=1),
    default=None,
    metavar="NR",
    help="Nur diesen Ansprechpartner (Nummer aus »lpr-geo privacy review«).",
)
@click.option(
    "--replace-names",
    is_flag=True,
    help="Auch den Namen in Freitexten durch »[gelöscht]« ersetzen – erst nachdem die aufgelisteten Stellen "
    "geprüft sind (ein Name kann auch jemand anderem gehören).",
)
@click.option("--yes", is_flag=True, help="Ohne Rückfrage löschen (für Skripte).")
@uses_settings(db=True)
@reports_register_errors
def erase_command(
    email: str | None,
    name: str | None,
    contact: int | None,
    replace_names: bool,
    yes: bool,
    settings: Settings,
) -> None:
    """Löschung (DSGVO Artikel 17): Kontaktdaten, E-Mail-Adresse und Telefonnummer überall, in einem Schritt.

    Zeigt zuerst, was gelöscht wird, und fragt nach (außer mit --yes). Im Änderungsprotokoll bleibt
    erhalten, dass und von wem etwas geändert wurde, die Werte werden zu »[gelöscht]«. Freitexte, die
    den Namen nennen, werden nicht geändert, sondern mit Nummer zur Prüfung aufgelistet (nach der
    Prüfung: --replace-names).
    """
    query = PersonQuery.of(email=email, name=name, contact_id=contact)
    engine = register_of(settings)
    by = default_user()
    plan = plan_erasure(engine, query, replace_names=replace_names, by=by)
    if plan.empty:
        click.echo("Dazu ist nichts gespeichert, das gelöscht werden könnte; nichts wurde geändert.")
        _print_plan(plan.review_sections())
        return
    _print_plan(plan.sections())
    if not yes and not click.confirm("Endgültig löschen?", default=False, err=True):
        fail("abgebrochen; nichts wurde gelöscht.")
    erasure = erase_person(engine, query, replace_names=replace_names, by=by)
    done: ErasurePlan = erasure.plan
    click.echo(
        f"Gelöscht: {CONTACT_PERSON.count(len(done.contacts))}; die Löschung steht ohne die Daten im "
        "Änderungsprotokoll."
    )
    _print_plan(done.review_sections())
    if erasure.backend == "postgresql":
        click.echo(
            "Hinweis: PostgreSQL gibt den Platz der alten Zeilenversionen erst mit VACUUM frei, und "
            "Sicherungen enthalten die Daten, bis sie ersetzt werden (siehe docs/datenschutz.md)."
        )
    if erasure.remnants:
        fail(
            f"Im Register ist alles gelöscht, aber {', '.join(erasure.remnants)} kann die Werte noch "
            "enthalten, weil ein anderes Programm die Datenbank belegt hielt. Bitte den Befehl wiederholen, "
            "notfalls bei gestopptem Dienst."
        )


@privacy.command("review")
@uses_settings(db=True)
@reports_register_errors
def review_command(settings: Settings) -> None:
    """Kontaktdaten auflisten, deren Aufbewahrungsfrist abgelaufen ist (LPR_GEO_RETENTION_YEARS).

    Fällig ist ein Ansprechpartner, wenn die letzte Aktivität (oder der letzte Statuseintrag) seiner
    Region länger zurückliegt oder die Region länger »Kein Interesse« hat oder ausgetreten ist. Gelöscht
    wird nichts; nach Prüfung: lpr-geo privacy erase --contact NR.
    """
    years = settings.retention_years
    due = due_contacts(register_of(settings), years, by=default_user())
    if not due:
        click.echo(f"Keine Kontaktdaten zur Löschung fällig (Aufbewahrungsfrist {YEAR.count(years)}).")
        return
    click.echo(
        f"{CONTACT_PERSON.count(len(due))} zur Löschung fällig (Aufbewahrungsfrist {YEAR.count(years)}); "
        "nach Prüfung löschen mit »lpr-geo privacy erase --contact NR«:"
    )
    header = ("Nr.", "Region", "Ansprechpartner", "Grund", "fällig seit")
    rows = [
        (
            str(d.contact_id),
            d.region.label() if d.region else "–",
            d.name,
            d.reason,
            date(d.due_since) or "sofort",
        )
        for d in due
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
