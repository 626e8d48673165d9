"""Settings of lpr-geo as one table of data.

One definition feeds the CLI help, the validation and a test that every setting is documented in the
README. Only the entry points (CLI, WSGI) read the environment; the core receives a :class:`Settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path


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
    """

    data_dir: Path
    db_url: str | None = None

    @property
    def register_url(self) -> str:
        """The database URL actually used (explicit URL or the embedded SQLite file)."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{self.data_dir / 'register.sqlite'}"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from the environment; explicit, non-None overrides win."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for setting in SETTINGS:
            if environ.get(setting.env):
                values[setting.name] = environ[setting.env]
        values.update({k: v for k, v in overrides.items() if v is not None})
        data_dir = Path(values.pop("data_dir", None) or _default_data_dir())
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        return cls(data_dir=data_dir, **values)  # type: ignore[arg-type]
