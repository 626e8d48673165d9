"""Settings of lpr-geo as one table of data.

One definition feeds the CLI help, the validation and a test that every setting is documented in the
README. Only the entry points (CLI, WSGI) read the environment; the core receives a :class:`Settings`.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

import click

#: Largest member file (CSV or XLSX) an import reads, in MB (MiB), unless configured otherwise.
DEFAULT_IMPORT_MAX_MB = 10.0
#: Most data rows an imported file may hold. A real register has a few hundred to a few thousand rows
#: (Brandenburg: 417 Gemeinden, 52 Ämter, 18 Kreise, a handful of status events each); 50,000 leaves ample
#: room and keeps the import of a file at the limit within about a minute and a few hundred MB.
DEFAULT_IMPORT_MAX_ROWS = 50_000
#: Most cells an imported file may hold, empty ones included (what reading costs): 50,000 rows of the
#: export's 13 columns are 650,000 cells.
DEFAULT_IMPORT_MAX_CELLS = 1_000_000


@dataclass(frozen=True)
class Setting:
    """One configurable value: its name, environment variable and meaning."""

    name: str
    env: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "LPR_GEO_DATA_DIR",
        "Directory for the embedded SQLite register and imported boundary datasets "
        "(default: $XDG_DATA_HOME/lpr-geo, i.e. ~/.local/share/lpr-geo).",
    ),
    Setting(
        "db_url",
        "LPR_GEO_DB",
        "SQLAlchemy URL of the register (default: the embedded SQLite file in data_dir).",
    ),
    Setting(
        "import_max_mb",
        "LPR_GEO_IMPORT_MAX_MB",
        "Largest member file an import reads (CLI and admin upload), in MB (default 10); bigger files are "
        "rejected before they are read. An XLSX file may unpack to at most 20 times this size.",
    ),
    Setting(
        "import_max_rows",
        "LPR_GEO_IMPORT_MAX_ROWS",
        "Most data rows an imported file (members, GV-ISys population) may hold (default 50000); reading "
        "stops at the first row over the limit.",
    ),
    Setting(
        "import_max_cells",
        "LPR_GEO_IMPORT_MAX_CELLS",
        "Most cells an imported file may hold, empty cells and rows included (default 1000000); reading "
        "stops as soon as the count is over the limit.",
    ),
)


class SettingsError(click.ClickException, ValueError):
    """A setting has a value that cannot be used; the message (German) names the setting.

    A :class:`click.ClickException` so that every ``lpr-geo`` command, which reads the settings before
    it runs, ends with the message and exit status 1 instead of a traceback.
    """

    def show(self, file=None) -> None:
        """Print ``Fehler: ...`` like the other command errors (click would print ``Error: ...``)."""
        click.echo(f"Fehler: {self.format_message()}", err=True, file=file)


def _megabytes(value: object) -> float:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise SettingsError(
            f"LPR_GEO_IMPORT_MAX_MB: »{value}« ist keine gültige Größe; "
            "erwartet eine Zahl größer 0 (MB), z. B. 10"
        )
    return number


def _count(name: str, value: object) -> int:
    text = str(value).strip()
    if re.fullmatch(r"\d{1,3}(?:[._]\d{3})+|\d+", text) and int(re.sub(r"[._]", "", text)) > 0:
        return int(re.sub(r"[._]", "", text))
    env = next(s.env for s in SETTINGS if s.name == name)
    raise SettingsError(
        f"{env}: »{value}« ist keine gültige Anzahl; erwartet eine ganze Zahl größer 0, z. B. 50000"
    )


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lpr-geo"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration handed to the core.

    Parameters
    ----------
    data_dir : Path
        Writable directory for the embedded database and imported datasets.
    db_url : str or None
        Database URL; ``None`` means the embedded SQLite file in ``data_dir``.
    import_max_mb : float
        Largest member file an import reads, in MB (MiB).
    import_max_rows : int
        Most data rows an imported file may hold.
    import_max_cells : int
        Most cells an imported file may hold, empty ones included.
    """

    data_dir: Path
    db_url: str | None = None
    import_max_mb: float = DEFAULT_IMPORT_MAX_MB
    import_max_rows: int = DEFAULT_IMPORT_MAX_ROWS
    import_max_cells: int = DEFAULT_IMPORT_MAX_CELLS

    @property
    def register_url(self) -> str:
        """The database URL actually used (explicit URL or the embedded SQLite file)."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{self.data_dir / 'register.sqlite'}"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from the environment; explicit, non-None overrides win.

        Raises
        ------
        SettingsError
            If a value cannot be used (e.g. ``LPR_GEO_IMPORT_MAX_MB`` is no positive number).
        TypeError
            If an override names no setting.
        """
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for setting in SETTINGS:
            if environ.get(setting.env):
                values[setting.name] = environ[setting.env]
        values.update({k: v for k, v in overrides.items() if v is not None})
        data_dir = Path(values.pop("data_dir", None) or _default_data_dir())
        if "import_max_mb" in values:
            values["import_max_mb"] = _megabytes(values["import_max_mb"])
        for name in ("import_max_rows", "import_max_cells"):
            if name in values:
                values[name] = _count(name, values[name])
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        return cls(data_dir=data_dir, **values)  # type: ignore[arg-type]
