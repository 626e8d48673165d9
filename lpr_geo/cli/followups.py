"""``lpr-geo followups``: the Wiedervorlage on the command line, for everyone with access to the register."""

from __future__ import annotations

import datetime as dt

import click

from lpr_geo.register.followups import FollowUp, followups
from lpr_geo.settings import Settings
from lpr_geo.vocabulary import FOLLOW_UP, LEVELS, date, lateness, number, parse_date

from .options import register_of, uses_settings
from .register_errors import reports_register_errors

#: Column headers of the table, in order.
HEADERS = ("Fällig am", "Stand", "Region", "Nächster Schritt", "Aus")


class GermanDate(click.ParamType):
    """A date as users type it (``7.6.2021``, ``07.06.2021`` or ``2021-06-07``), German messages."""

    name = "TT.MM.JJJJ"

    def convert(self, value, param, ctx) -> dt.date:
        """The typed text as a date; a German error naming the option otherwise."""
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except ValueError as error:  # Click names the option itself: the reason without "Datum: "
            self.fail(str(error).removeprefix("Datum: "), param, ctx)


def _row(item: FollowUp) -> tuple[str, ...]:
    region = f"{item.region} ({LEVELS[item.level].noun.singular})"
    return (
        date(item.due),
        lateness(item.days_late),
        region,
        item.next_step,
        f"{item.kind} {date(item.date)}",
    )


def table(items: list[FollowUp]) -> list[str]:
    """The follow-ups as a plain text table with German headers (columns as wide as their longest cell)."""
    rows = [HEADERS, *(_row(item) for item in items)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADERS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


@click.command("followups")
@click.option(
    "--bis",
    "until",
    type=GermanDate(),
    default=None,
    help="Fällige nächste Schritte bis zu diesem Tag (TT.MM.JJJJ; Standard: heute).",
)
@uses_settings(db=True)
@reports_register_errors
def followups_command(until: dt.date | None, settings: Settings) -> None:
    """Wiedervorlage: die fälligen und überfälligen nächsten Schritte aller Regionen.

    Offen ist der nächste Schritt der jeweils letzten Aktivität einer Region; eine neuere Aktivität
    erledigt ihn. Überfällige stehen oben.
    """
    today = dt.date.today()
    items = followups(register_of(settings), until=until, today=today)
    late = sum(item.overdue for item in items)
    click.echo(
        f"{FOLLOW_UP.count(len(items))} fällig bis {date(until or today)}, davon {number(late)} überfällig."
    )
    if items:
        click.echo("\n".join(table(items)))
