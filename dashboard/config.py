"""Deployment settings of the web app, as one table of data, read from the environment and a TOML file.

The register settings (``data_dir``, ``db_url``) stay in :mod:`lpr_geo.settings`; this table adds what only
a served dashboard needs. Values come from an optional TOML file named by ``LPR_GEO_CONFIG`` (keys are the
setting names, e.g. ``url_prefix = "/lpr-karte/"``) and from environment variables, which win over the
file. Only the entry points (``lpr-geo serve``, ``dashboard.wsgi``) call :func:`load`.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from lpr_geo.settings import SETTINGS, Setting, Settings

DEPLOYMENT_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "config_file",
        "LPR_GEO_CONFIG",
        "Optional TOML file with any of these settings (keys = setting names); environment variables win.",
    ),
    Setting(
        "url_prefix",
        "LPR_GEO_URL_PREFIX",
        "Path under which the app is reached behind a reverse proxy, e.g. /lpr-karte/ (default /). "
        "Works whether the proxy keeps or strips the prefix.",
    ),
    Setting(
        "frame_ancestors",
        "LPR_GEO_FRAME_ANCESTORS",
        "Origins allowed to embed /embed in an iframe, separated by spaces or commas, "
        "e.g. https://intranet.brandenburg.de (default 'self'). Every other page refuses framing.",
    ),
    Setting(
        "secret_key",
        "LPR_GEO_SECRET_KEY",
        "Flask secret key, the same for all workers (default: a random key per process).",
    ),
    Setting(
        "login_mode",
        "LPR_GEO_LOGIN_MODE",
        "How users log in: none (default, read-only views without personal data), local or proxy.",
    ),
    # -- login (issue 8)
    Setting(
        "trusted_proxies",
        "LPR_GEO_TRUSTED_PROXIES",
        "Addresses of the reverse proxies whose X-Forwarded-For (client address for the login rate limit) "
        "and, with login_mode proxy, X-Remote-User headers are believed, separated by spaces or commas "
        "(default: none, both headers are ignored).",
    ),
    Setting(
        "cookie_secure",
        "LPR_GEO_COOKIE_SECURE",
        "Send the session cookie only over HTTPS: true (default) or false (plain-HTTP test setups only).",
    ),
    Setting(
        "anonymous_access",
        "LPR_GEO_ANONYMOUS_ACCESS",
        "Whether the map can be read without logging in: true (default) or false (every page, /embed "
        "included, then needs an account with at least the role viewer; needs login_mode local or proxy).",
    ),
    # -- end login
    Setting(
        "chromium",
        "LPR_GEO_CHROMIUM",
        "Chromium binary for PNG/SVG/PDF exports (default /usr/bin/chromium).",
    ),
)
LOGIN_MODES = ("none", "local", "proxy")
_ORIGIN = re.compile(r"^(https?://[A-Za-z0-9.\-]+(:\d+)?|'self'|'none')$")


class ConfigError(ValueError):
    """A configuration value or file that cannot be used (the message names it)."""


@dataclass(frozen=True)
class Deployment:
    """Resolved deployment settings handed to :func:`dashboard.app.create_app`.

    Parameters
    ----------
    url_prefix : str
        Public path prefix with leading and trailing slash (``/`` when served at the root).
    frame_ancestors : tuple of str
        CSP ``frame-ancestors`` sources for ``/embed``.
    secret_key : str or None
        Flask secret key; ``None`` means a random key per process.
    login_mode : str
        One of :data:`LOGIN_MODES`.
    chromium : str
        Chromium binary used for static image and PDF exports.
    trusted_proxies : tuple of str
        Proxy addresses whose ``X-Forwarded-For`` (and with ``login_mode`` proxy ``X-Remote-User``) header
        is believed.
    cookie_secure : bool
        Whether the session cookie carries the ``Secure`` flag (HTTPS only).
    anonymous_access : bool
        Whether pages can be read without a login; ``False`` needs ``login_mode`` local or proxy.
    """

    url_prefix: str = "/"
    frame_ancestors: tuple[str, ...] = ("'self'",)
    secret_key: str | None = None
    login_mode: str = "none"
    chromium: str = "/usr/bin/chromium"
    trusted_proxies: tuple[str, ...] = ()
    cookie_secure: bool = True
    anonymous_access: bool = True


def normalise_prefix(prefix: str) -> str:
    """``lpr-karte`` / ``/lpr-karte`` / ``/lpr-karte/`` -> ``/lpr-karte/``; empty -> ``/``."""
    parts = [p for p in prefix.strip().split("/") if p]
    if any(not re.fullmatch(r"[A-Za-z0-9._~\-]+", p) for p in parts):
        raise ConfigError(f"url_prefix: ungültiger Pfad {prefix!r}")
    return "/" + "".join(p + "/" for p in parts)


def _origins(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else re.split(r"[\s,]+", str(value))
    origins = tuple(str(i).strip() for i in items if str(i).strip())
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise ConfigError(
                f"frame_ancestors: {origin!r} ist kein Ursprung (erwartet z. B. https://intranet.example:8443 oder 'self')"
            )
    return origins or ("'self'",)


def _addresses(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else re.split(r"[\s,]+", str(value))
    addresses = tuple(str(i).strip() for i in items if str(i).strip())
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError as exc:
            raise ConfigError(f"trusted_proxies: {address!r} ist keine IP-Adresse") from exc
    return addresses


def _boolean(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in ("true", "1", "yes", "ja"):
        return True
    if text in ("false", "0", "no", "nein"):
        return False
    raise ConfigError(f"{name}: {value!r} ist weder true noch false")


def _read_toml(path: str) -> dict[str, object]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: Konfigurationsdatei nicht lesbar ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: kein gültiges TOML ({exc})") from exc
    known = {s.name for s in (*SETTINGS, *DEPLOYMENT_SETTINGS)} - {"config_file"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}: unbekannte Einstellung(en) {', '.join(unknown)}")
    return data


def load(environ: dict[str, str] | None = None, **overrides: object) -> tuple[Settings, Deployment]:
    """Register settings and deployment settings from a TOML file, the environment and overrides.

    Parameters
    ----------
    environ : dict, optional
        Environment to read (default: ``os.environ``).
    **overrides
        Explicit values (e.g. from command-line options); ``None`` values are ignored.

    Returns
    -------
    tuple of Settings and Deployment

    Raises
    ------
    ConfigError
        If the file is missing or malformed, or a value is invalid.
    """
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    if environ.get("LPR_GEO_CONFIG"):
        values.update(_read_toml(environ["LPR_GEO_CONFIG"]))
    for setting in (*SETTINGS, *DEPLOYMENT_SETTINGS):
        if environ.get(setting.env):
            values[setting.name] = environ[setting.env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    values.pop("config_file", None)

    login_mode = str(values.get("login_mode", "none"))
    if login_mode not in LOGIN_MODES:
        raise ConfigError(f"login_mode: {login_mode!r} ist keiner von {', '.join(LOGIN_MODES)}")
    deployment = Deployment(
        url_prefix=normalise_prefix(str(values.get("url_prefix", "/"))),
        frame_ancestors=_origins(values.get("frame_ancestors", "'self'")),
        secret_key=str(values["secret_key"]) if values.get("secret_key") else None,
        login_mode=login_mode,
        chromium=str(values.get("chromium", "/usr/bin/chromium")),
        trusted_proxies=_addresses(values.get("trusted_proxies", "")),
        cookie_secure=_boolean("cookie_secure", values.get("cookie_secure", True)),
        anonymous_access=_boolean("anonymous_access", values.get("anonymous_access", True)),
    )
    if not deployment.anonymous_access and login_mode == "none":
        raise ConfigError(
            "anonymous_access = false braucht login_mode local oder proxy (sonst kann niemand lesen)"
        )
    data_dir = values.get("data_dir")
    settings = Settings.from_env(
        {},
        data_dir=Path(str(data_dir)) if data_dir else None,
        db_url=str(values["db_url"]) if values.get("db_url") else None,
        import_max_mb=values.get("import_max_mb"),
        import_max_rows=values.get("import_max_rows"),
        import_max_cells=values.get("import_max_cells"),
    )
    return settings, deployment
