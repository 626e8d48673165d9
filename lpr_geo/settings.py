"""Settings of lpr-geo: one table, one loader.

Every setting is one field of :class:`Settings`, and the field carries all there is to know about it:
name (also its key in the TOML file), environment variable, default, parser and a German help text.
From that one definition come the values (:func:`load_settings`: command-line flags > environment >
TOML file > defaults), their validation (a parser raises :class:`SettingsError` with a German message
that names the setting and where the value came from), ``lpr-geo settings`` and the settings table in
the README, which a test compares with :func:`markdown_table`.

Only the entry points (the ``lpr-geo`` commands, ``dashboard.wsgi``) call :func:`load_settings`; the core
and the web app receive a :class:`Settings` and never read the environment themselves.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

LOGIN_MODES = ("none", "local", "proxy")
#: Longest session lifetime accepted, in hours (a year): beyond it a typo, not a policy.
MAX_SESSION_HOURS = 24 * 365
#: Largest member file (CSV or XLSX) an import reads, in MB (MiB), unless configured otherwise.
DEFAULT_IMPORT_MAX_MB = 10.0
#: Most data rows an imported file may hold. A real register has a few hundred to a few thousand rows
#: (Brandenburg: 417 Gemeinden, 52 Ämter, 18 Kreise, a handful of status events each); 50,000 leaves ample
#: room and keeps the import of a file at the limit within about a minute and a few hundred MB.
DEFAULT_IMPORT_MAX_ROWS = 50_000
#: Most cells an imported file may hold, empty ones included (what reading costs): 50,000 rows of the
#: export's 13 columns are 650,000 cells.
DEFAULT_IMPORT_MAX_CELLS = 1_000_000
#: Years contact data is kept after a region's last activity or status event, or after it declined or left
#: (see README, "Datenschutz", for why three).
DEFAULT_RETENTION_YEARS = 3
#: Longest retention period accepted, in years: beyond it a typo, not a policy.
MAX_RETENTION_YEARS = 30
CONFIG_ENV = "LPR_GEO_CONFIG"
_ORIGIN = re.compile(r"^(https?://[A-Za-z0-9.\-]+(:\d+)?|'self'|'none')$")
_PATH_PART = re.compile(r"[A-Za-z0-9._~\-]+")


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the German message names the setting and its source."""


# --- parsers: text (environment, flags) or TOML values -> typed value; ValueError with a German reason ---


def _text(value: object) -> str:
    return str(value).strip()


def _optional_text(value: object) -> str | None:
    return _text(value) or None


def _path(value: object) -> Path:
    text = _text(value)
    if not text:
        raise ValueError("ist leer; erwartet ein Verzeichnis")
    return Path(text).expanduser()


def _database_url(value: object) -> str | None:
    text = _text(value)
    if not text:
        return None
    try:
        make_url(text)
    except ArgumentError:
        raise ValueError(
            f"»{text[:80]}« ist keine Datenbank-URL; erwartet z. B. postgresql+psycopg://lpr@localhost/lpr "
            "oder sqlite:////var/lib/lpr-geo/register.sqlite"
        ) from None
    return text


def _positive_number(value: object) -> float:
    try:
        number = float(_text(value).replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"»{value}« ist keine gültige Größe; erwartet eine Zahl größer 0, z. B. 10")
    return number


def _count(value: object) -> int:
    """A whole number greater than 0; ``50.000`` and ``50_000`` are read as fifty thousand."""
    text = _text(value)
    if re.fullmatch(r"\d{1,3}(?:[._]\d{3})+|\d+", text) and int(re.sub(r"[._]", "", text)) > 0:
        return int(re.sub(r"[._]", "", text))
    raise ValueError(f"»{value}« ist keine gültige Anzahl; erwartet eine ganze Zahl größer 0, z. B. 50000")


def _hours(value: object) -> float:
    try:
        number = float(_text(value).replace(",", "."))
    except ValueError:
        number = math.nan
    if not 0 < number <= MAX_SESSION_HOURS:  # nan compares false: refused as well
        raise ValueError(
            f"»{value}« ist keine gültige Dauer; erwartet Stunden größer 0 und höchstens "
            f"{MAX_SESSION_HOURS}, z. B. 8 oder 0,5"
        )
    return number


def _years(value: object) -> int:
    text = _text(value)
    if re.fullmatch(r"\d+", text) and 1 <= int(text) <= MAX_RETENTION_YEARS:
        return int(text)
    raise ValueError(
        f"»{value}« ist keine gültige Frist; erwartet ganze Jahre von 1 bis {MAX_RETENTION_YEARS}, z. B. 3"
    )


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in ("true", "1", "yes", "ja"):
        return True
    if text in ("false", "0", "no", "nein"):
        return False
    raise ValueError(f"»{value}« ist weder true noch false")


def _items(value: object) -> tuple[str, ...]:
    """A TOML list, or text separated by spaces or commas."""
    items = value if isinstance(value, list) else re.split(r"[\s,]+", str(value))
    return tuple(text for text in (str(item).strip() for item in items) if text)


def normalise_prefix(value: object) -> str:
    """``lpr-karte`` / ``/lpr-karte`` / ``/lpr-karte/`` -> ``/lpr-karte/``; empty -> ``/``."""
    parts = [part for part in str(value).strip().split("/") if part]
    if any(not _PATH_PART.fullmatch(part) for part in parts):
        raise ValueError(f"ungültiger Pfad »{value}«; erwartet z. B. /lpr-karte/")
    return "/" + "".join(part + "/" for part in parts)


def _origins(value: object) -> tuple[str, ...]:
    origins = _items(value)
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise ValueError(
                f"»{origin}« ist kein Ursprung (erwartet z. B. https://intranet.example:8443 oder 'self')"
            )
    return origins or ("'self'",)


def _addresses(value: object) -> tuple[str, ...]:
    addresses = _items(value)
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ValueError(f"»{address}« ist keine IP-Adresse") from None
    return addresses


def _login_mode(value: object) -> str:
    mode = _text(value)
    if mode not in LOGIN_MODES:
        raise ValueError(f"»{mode}« ist keiner von {', '.join(LOGIN_MODES)}")
    return mode


# --- the table ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One configurable value, as the table declares it (see :data:`SETTINGS`)."""

    name: str
    env: str
    section: str
    help: str
    parse: Callable[[object], object]
    default_text: str
    secret: bool = False


def _setting(
    env: str,
    default: object,
    parse: Callable[[object], object],
    help: str,
    *,
    section: str,
    default_text: str | None = None,
    secret: bool = False,
):
    """A field of :class:`Settings` that carries its row of the settings table."""
    if default_text is None:
        default_text = {True: "true", False: "false", None: "–"}.get(default, None) or (
            " ".join(default) if isinstance(default, tuple) else str(default)
        )
    meta = {"env": env, "parse": parse, "help": help, "section": section, "default_text": default_text}
    return field(default=default, metadata={**meta, "secret": secret})


@dataclass(frozen=True)
class Settings:
    """Resolved configuration, handed to the core and the web app.

    Every field is one setting; its metadata holds the environment variable, the parser, the German help
    and the section (see :data:`SETTINGS`). ``sources`` says where each value came from.
    """

    data_dir: Path = _setting(
        "LPR_GEO_DATA_DIR",
        None,
        _path,
        "Verzeichnis für die eingebettete SQLite-Datenbank, importierte Grenzdaten und Zwischenstände "
        "von Importen.",
        section="Register",
        default_text="$XDG_DATA_HOME/lpr-geo, sonst ~/.local/share/lpr-geo",
    )
    db_url: str | None = _setting(
        "LPR_GEO_DB",
        None,
        _database_url,
        "SQLAlchemy-URL des Registers, z. B. postgresql+psycopg://lpr@localhost/lpr (die Option --db "
        "der Befehle hat Vorrang).",
        section="Register",
        default_text="die eingebettete SQLite-Datei register.sqlite im Datenverzeichnis",
    )
    import_max_mb: float = _setting(
        "LPR_GEO_IMPORT_MAX_MB",
        DEFAULT_IMPORT_MAX_MB,
        _positive_number,
        "Größte Mitgliederdatei (CSV/XLSX), die ein Import liest (Befehl und Hochladen in der Verwaltung), "
        "in MB; größere Dateien werden abgelehnt, ohne sie zu lesen. Eine XLSX-Datei darf entpackt "
        "höchstens 20-mal so groß sein. »2,5« geht auch.",
        section="Import",
        default_text="10",
    )
    import_max_rows: int = _setting(
        "LPR_GEO_IMPORT_MAX_ROWS",
        DEFAULT_IMPORT_MAX_ROWS,
        _count,
        "Höchstzahl der Datenzeilen einer eingelesenen Datei (Mitglieder, GV-ISys-Auszug); das Lesen endet "
        "an der ersten Zeile darüber. Ein echtes Register hat höchstens einige Tausend Zeilen. »50.000« "
        "geht auch.",
        section="Import",
        default_text="50000",
    )
    import_max_cells: int = _setting(
        "LPR_GEO_IMPORT_MAX_CELLS",
        DEFAULT_IMPORT_MAX_CELLS,
        _count,
        "Höchstzahl der Zellen einer eingelesenen Datei, leere Zellen und Zeilen mitgezählt; das Lesen "
        "endet, sobald es mehr sind. Eine XLSX-Datei darf höchstens 10 XML-Tags je erlaubter Zelle "
        "enthalten.",
        section="Import",
        default_text="1000000",
    )
    url_prefix: str = _setting(
        "LPR_GEO_URL_PREFIX",
        "/",
        normalise_prefix,
        "Öffentlicher Pfad hinter dem Reverse-Proxy, z. B. /lpr-karte/; gleich, ob der Proxy ihn "
        "weitergibt oder entfernt.",
        section="Web",
    )
    frame_ancestors: tuple[str, ...] = _setting(
        "LPR_GEO_FRAME_ANCESTORS",
        ("'self'",),
        _origins,
        "Ursprünge, die /embed in einem iframe zeigen dürfen, durch Leerzeichen oder Kommas getrennt "
        "(TOML: Liste), z. B. https://intranet.example. Alle anderen Seiten verbieten das Einbetten.",
        section="Web",
    )
    secret_key: str | None = _setting(
        "LPR_GEO_SECRET_KEY",
        None,
        _optional_text,
        "Geheimer Schlüssel für die Sitzungs-Cookies, für alle Worker gleich.",
        section="Web",
        default_text="zufällig je Start (lpr-geo serve: für alle Worker gleich; gunicorn: je Worker)",
        secret=True,
    )
    chromium: str = _setting(
        "LPR_GEO_CHROMIUM",
        "/usr/bin/chromium",
        _text,
        "Chromium für PNG-, SVG- und PDF-Exporte (und die Browsertests).",
        section="Web",
    )
    login_mode: str = _setting(
        "LPR_GEO_LOGIN_MODE",
        "none",
        _login_mode,
        "Anmeldung: none (nur lesen, keine personenbezogenen Daten), local (Konten aus "
        "»lpr-geo users add«, Anmeldung unter /anmelden) oder proxy (Single Sign-on über den Header "
        "X-Remote-User eines vertrauenswürdigen Proxys).",
        section="Anmeldung",
    )
    trusted_proxies: tuple[str, ...] = _setting(
        "LPR_GEO_TRUSTED_PROXIES",
        (),
        _addresses,
        "IP-Adressen der Reverse-Proxys, deren X-Forwarded-For (Client-Adresse für die Sperre nach "
        "Fehlversuchen) und, mit login_mode proxy, X-Remote-User geglaubt wird; von anderen Adressen "
        "werden beide Header ignoriert.",
        section="Anmeldung",
        default_text="keine",
    )
    cookie_secure: bool = _setting(
        "LPR_GEO_COOKIE_SECURE",
        True,
        _boolean,
        "Sitzungs-Cookie nur über HTTPS senden (Secure); false nur für Testaufbauten mit http://.",
        section="Anmeldung",
    )
    anonymous_access: bool = _setting(
        "LPR_GEO_ANONYMOUS_ACCESS",
        True,
        _boolean,
        "Karte und /embed ohne Anmeldung lesbar. false: jede Seite braucht ein Konto (mindestens "
        "Betrachter); offen bleiben nur /anmelden, /healthz, /barrierefreiheit und /assets/. "
        "Braucht login_mode local oder proxy.",
        section="Anmeldung",
    )
    session_idle_hours: float = _setting(
        "LPR_GEO_SESSION_IDLE_HOURS",
        8.0,
        _hours,
        "Mit login_mode local: Stunden ohne Anfrage, nach denen eine Anmeldung endet (»0,5« geht auch).",
        section="Anmeldung",
        default_text="8",
    )
    session_max_hours: float = _setting(
        "LPR_GEO_SESSION_MAX_HOURS",
        12.0,
        _hours,
        "Stunden nach der Anmeldung, nach denen sie endet, wie aktiv sie auch ist; zugleich die Lebensdauer "
        "des Sitzungs-Cookies.",
        section="Anmeldung",
        default_text="12",
    )
    retention_years: int = _setting(
        "LPR_GEO_RETENTION_YEARS",
        DEFAULT_RETENTION_YEARS,
        _years,
        "Aufbewahrungsfrist für Kontaktdaten in Jahren: fällig zur Löschung sind die Ansprechpartner einer "
        "Region, deren letzte Aktivität (oder letzter Statuseintrag) länger zurückliegt oder die länger "
        "»Kein Interesse« hat oder ausgetreten ist. »lpr-geo privacy review« und die Verwaltung listen sie; "
        "gelöscht wird nur nach Prüfung.",
        section="Datenschutz",
    )
    priority_defer_days: int = _setting(
        "LPR_GEO_PRIORITY_DEFER_DAYS",
        180,
        _count,
        "Liste »Noch nicht im Netzwerk«: eine Region, mit der es in so vielen Tagen vor dem Stichtag einen "
        "Kontakt gab (Statusänderung oder Aktivität), wird zurückgestellt (»zurückgestellt bis …«) und "
        "nach den anderen aufgeführt.",
        section="Planung",
    )
    priority_retry_years: int = _setting(
        "LPR_GEO_PRIORITY_RETRY_YEARS",
        2,
        _count,
        "Liste »Noch nicht im Netzwerk«: Regionen mit »Kein Interesse« oder »Ausgetreten« stehen so viele "
        "Jahre ab diesem Status abseits der Rangliste (»erneut ansprechen ab …«), danach wieder in ihr.",
        section="Planung",
    )
    kreis_covers_gemeinden: bool = _setting(
        "LPR_GEO_KREIS_COVERS_GEMEINDEN",
        False,
        _boolean,
        "Abdeckungsregel: true zählt alle Gemeinden und Ämter eines Mitgliedskreises als abgedeckt (»über "
        "Landkreis …«). false (Voreinstellung): ein Landkreis, der Mitglied ist, deckt nur sich selbst ab; "
        "Karte und Details nennen seine Mitgliedschaft bei seinen Gemeinden, die Legende heißt dann »Über "
        "Amt im Netzwerk«. Gilt für Karte, Kennzahlen, lpr-geo coverage und lpr-geo gaps.",
        section="Abdeckung",
    )
    config_file: Path | None = field(default=None, compare=False)
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.data_dir is None:  # only load_settings computes the default (it depends on the environment)
            raise TypeError("Settings needs a data_dir")

    @property
    def register_url(self) -> str:
        """The database URL actually used (explicit URL or the embedded SQLite file)."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{self.data_dir / 'register.sqlite'}"

    def source(self, name: str) -> str:
        """Where a setting's value came from: ``Voreinstellung``, ``LPR_GEO_DB``, a file and key, a flag."""
        return self.sources.get(name, "Voreinstellung")

    def describe_register(self) -> str:
        """``Register: <URL without password> (<where it came from>)`` for the commands and the server log."""
        url = make_url(self.register_url).render_as_string(hide_password=True)
        origin = self.source("db_url") if self.db_url else f"eingebettet, {self.source('data_dir')}"
        return f"Register: {url} ({origin})"


#: The settings table: every field of :class:`Settings` that is a setting, in declaration order.
SETTINGS: tuple[Setting, ...] = tuple(
    Setting(
        name=f.name,
        env=f.metadata["env"],
        section=f.metadata["section"],
        help=f.metadata["help"],
        parse=f.metadata["parse"],
        default_text=f.metadata["default_text"],
        secret=f.metadata["secret"],
    )
    for f in fields(Settings)
    if "env" in f.metadata
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}


def _default_data_dir(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lpr-geo"


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise SettingsError(f"{path}: Konfigurationsdatei nicht lesbar ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: kein gültiges TOML ({exc})") from exc
    unknown = sorted(set(data) - set(_BY_NAME))
    if unknown:
        raise SettingsError(f"{path}: unbekannte Einstellung(en) {', '.join(unknown)}")
    return data


def load_settings(
    flags: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    flag_names: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting: command-line flags > environment > TOML file > defaults.

    Parameters
    ----------
    flags : mapping, optional
        Values given on the command line, by setting name; ``None`` values are ignored.
    environ : mapping, optional
        Environment to read (default: ``os.environ``); ``LPR_GEO_CONFIG`` names the TOML file.
    flag_names : mapping, optional
        How each flag is spelled on the command line (``{"db_url": "--db"}``), for messages and sources.

    Returns
    -------
    Settings

    Raises
    ------
    SettingsError
        If the TOML file is missing or malformed, names an unknown setting, or a value is invalid; the
        German message names the setting and where the value came from.
    """
    environ = os.environ if environ is None else environ
    flag_names = flag_names or {}
    raw: dict[str, tuple[object, str]] = {}
    config_file = Path(environ[CONFIG_ENV]) if environ.get(CONFIG_ENV) else None
    if config_file is not None:
        for name, value in _read_toml(config_file).items():
            raw[name] = (value, f"{config_file}, {name}")
    for setting in SETTINGS:
        if environ.get(setting.env):
            raw[setting.name] = (environ[setting.env], setting.env)
    for name, value in (flags or {}).items():
        if name not in _BY_NAME:
            raise TypeError(f"unknown setting: {name}")
        if value is not None:
            raw[name] = (value, flag_names.get(name, f"--{name.replace('_', '-')}"))

    values: dict[str, object] = {}
    for name, (value, source) in raw.items():
        try:
            values[name] = _BY_NAME[name].parse(value)
        except ValueError as error:
            raise SettingsError(f"{source}: {error}") from None
    values.setdefault("data_dir", _default_data_dir(environ))
    if values.get("anonymous_access") is False and values.get("login_mode", "none") == "none":
        raise SettingsError(
            "anonymous_access = false braucht login_mode local oder proxy (sonst kann niemand lesen)"
        )
    sources = {name: source for name, (_, source) in raw.items()}
    return Settings(**values, config_file=config_file, sources=sources)  # type: ignore[arg-type]


def markdown_table() -> str:
    """The settings table of the README (Markdown), generated from :data:`SETTINGS`."""
    lines = ["| Umgebungsvariable | TOML-Schlüssel | Voreinstellung | Bedeutung |", "|---|---|---|---|"]
    lines.append(
        f"| `{CONFIG_ENV}` | – | – | Optionale TOML-Datei mit beliebigen dieser Einstellungen "
        "(Schlüssel = TOML-Schlüssel), z. B. `/etc/lpr-geo.toml` |"
    )
    for s in SETTINGS:
        lines.append(f"| `{s.env}` | `{s.name}` | {s.default_text} | {s.help} |")
    return "\n".join(lines)
