"""What a member import found and did: problems and notes by row and field, and the counts of changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..vocabulary import CONTACT_PERSON, DATA_ROW, PROBLEM, REGION, STATUS_ENTRY
from .errors import shortened

#: Keys of :attr:`ImportReport.counts`, in the order reports list them.
COUNT_KEYS = ("participants_added", "events_added", "events_changed", "contacts_added", "contacts_changed")


@dataclass(frozen=True)
class Problem:
    """One problem (or note) in a file: row number (1 = header), field and German reason.

    The field is the file's own header text, shortened: a binary file's "header" can be thousands of
    characters long.
    """

    row: int
    field: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "field", shortened(self.field))

    def __str__(self) -> str:
        where = f"Zeile {self.row}" + (f", Feld »{self.field}«" if self.field else "")
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import found and did (or, on a dry run or with problems, would have done)."""

    path: Path
    dry_run: bool = False
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    #: Regions of the sample register deleted in the import's transaction (0: there was none).
    sample_removed: int = 0

    @property
    def ok(self) -> bool:
        """True if the file had no problems."""
        return not self.problems

    @property
    def changed(self) -> bool:
        """True if the import changed (or would change) the register."""
        return any(self.counts.values())

    def text(self) -> str:
        """Return the report in German, one line per problem or note."""
        lines = [f"{self.path.name}: {DATA_ROW.count(self.rows)}"]
        lines += [f"  Hinweis: {n}" for n in self.notes]
        if self.problems:
            lines.append(f"{PROBLEM.count(len(self.problems))}, es wurde nichts importiert:")
            lines += [f"  {self.path.name}, {p}" for p in self.problems]
            return "\n".join(lines)
        c = self.counts
        if self.sample_removed:
            lines.append(
                f"Beispielregister entfernt ({REGION.count(self.sample_removed)} mit ihren Einträgen)"
            )
        verb = "würden" if self.dry_run else "wurden"
        lines.append(
            f"{REGION.count(c['participants_added'])} neu, {STATUS_ENTRY.count(c['events_added'])} neu, "
            f"{c['events_changed']} geändert, {CONTACT_PERSON.count(c['contacts_added'])} neu, "
            f"{c['contacts_changed']} geändert ({verb} übernommen"
            + ("; Probelauf, nichts gespeichert)" if self.dry_run else ")")
        )
        return "\n".join(lines)
