"""Who is asking: local logins with a signed session cookie, or a trusted single-sign-on header.

``login_mode`` (see :mod:`lpr_geo.settings`) decides:

- ``none``: everyone is anonymous (read-only, no personal data);
- ``local``: ``/anmelden`` checks a local account (:func:`lpr_geo.auth.authenticate`, rate-limited per
  name and client address, see :func:`client_address`) and opens a session on the server
  (:mod:`lpr_geo.auth.sessions`); Flask's signed cookie (HttpOnly, SameSite=Strict, Secure unless
  ``cookie_secure`` is false) carries only its random token and the CSRF token, and expires with the
  session's absolute lifetime. ``/abmelden`` deletes the session on the server, so a copy of the cookie
  is worthless afterwards; so do the idle and absolute limits and any change of the account;
- ``proxy``: the ``X-Remote-User`` header names the user, but only on requests whose client address is
  one of ``trusted_proxies``.

Either way :func:`current_user` looks the account up in the register on every request that carries a
login, so a deactivated account or a lowered role takes effect immediately. Every state-changing request
must come from the app's own origin (:func:`register`), and the login and logout forms carry a CSRF token
as well.
With ``anonymous_access = false`` only the login page, the health check, the static assets and the
accessibility statement are open; everything else needs an account.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, render_template_string, request, session
from sqlalchemy import Engine

from lpr_geo import (
    ROLES,
    LoginBlocked,
    SessionLifetime,
    Settings,
    User,
    authenticate,
    end_session,
    get_user,
    has_role,
    open_session,
    session_user,
)
from lpr_geo.vocabulary import ROLE_LABELS

LOGIN_PATH = "/anmelden"
LOGOUT_PATH = "/abmelden"
DASH_UPDATE_PATH = "/_dash-update-component"
_STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
#: Paths open to everyone even with ``anonymous_access = false`` (the login page needs the style sheet).
OPEN_PATHS = (LOGIN_PATH, LOGOUT_PATH, "/healthz", "/barrierefreiheit")
OPEN_PREFIXES = ("/assets/",)
_TOKEN = "session_token"
#: Pages a browser opens directly: without a login they redirect to the login page instead of a 401
#: (so do the protected pages given to :func:`register`).
_PAGES = ("/", "/embed")

_LOGIN_PAGE = """<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Anmelden – Netzwerk Kriminalprävention vor Ort</title>
<link rel="stylesheet" href="{{ prefix }}assets/style.css"></head>
<body>
<main class="statement login-page">
<h1>Anmelden</h1>
{% if anonymous %}<p>Zum Bearbeiten des Registers anmelden. Lesen ist auch ohne Anmeldung möglich:
<a href="{{ prefix }}">zur Karte</a>.</p>{% else %}<p>Die Karte ist nur für angemeldete Nutzerinnen und
Nutzer zugänglich.</p>{% endif %}
{% if message %}<p class="form-error" role="alert" id="anmelde-fehler">{{ message }}</p>{% endif %}
<form method="post" action="{{ prefix }}anmelden" class="login-form">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<p><label for="name">Benutzername</label><br>
<input id="name" name="name" type="text" autocomplete="username" required value="{{ name }}"
{% if message %}aria-describedby="anmelde-fehler"{% endif %}></p>
<p><label for="passwort">Passwort</label><br>
<input id="passwort" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit" class="button">Anmelden</button></p>
</form>
</main>
</body>
</html>"""


def csrf_token() -> str:
    """The session's CSRF token for server-rendered forms (created on first use).

    Returns
    -------
    str
        A random token stored in the signed session cookie.
    """
    if "csrf_token" not in session:
        session["csrf_token"] = secrets.token_urlsafe(32)
    return session["csrf_token"]


def _csrf_valid() -> bool:
    expected = session.get("csrf_token", "")
    submitted = request.form.get("csrf_token", "")
    return bool(expected) and hmac.compare_digest(expected, submitted)


def _engine() -> Engine:
    return current_app.extensions["lpr_geo_engine"]


def _settings() -> Settings:
    return current_app.extensions["lpr_geo_settings"]


def session_lifetime(settings: Settings) -> SessionLifetime:
    """The idle and absolute limit of a local login, from the settings."""
    return SessionLifetime(
        idle=dt.timedelta(hours=settings.session_idle_hours),
        absolute=dt.timedelta(hours=settings.session_max_hours),
    )


def current_user() -> User | None:
    """The user of the current request, re-read from the register (``None``: anonymous).

    Returns
    -------
    lpr_geo.auth.User or None
        The logged-in account (``local``) or the account named by a trusted proxy (``proxy``); ``None``
        with ``login_mode = "none"``, without a login, for unknown names and for deactivated accounts.
    """
    if "lpr_geo_user" not in g:
        g.lpr_geo_user = _lookup_user()
    return g.lpr_geo_user


def _lookup_user() -> User | None:
    settings = _settings()
    if settings.login_mode == "local":
        token = session.get(_TOKEN)
        if not token:
            return None
        user = session_user(_engine(), token, lifetime=session_lifetime(settings))
        if user is None:  # ended on the server: the browser need not send the token again
            session.pop(_TOKEN)  # the CSRF token stays: a logout or login form on an open page still works
            session.permanent = False
        return user
    if settings.login_mode == "proxy" and request.remote_addr in settings.trusted_proxies:
        name = request.headers.get("X-Remote-User", "").strip()
        user = get_user(_engine(), name) if name else None
        return user if user is not None and user.active else None
    return None


def client_address() -> str:
    """The address of the browser: behind a trusted proxy the last hop of ``X-Forwarded-For``.

    Only an address in ``trusted_proxies`` is believed to forward truthfully; the rightmost entry is the
    one that proxy added itself, so a client cannot choose its own address by sending the header.
    """
    remote = request.remote_addr or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if remote in _settings().trusted_proxies and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return remote


def user_label(user: User) -> str:
    """``Name (Rolle)`` as shown in the page header."""
    return f"{user.name} ({ROLE_LABELS[user.role]})"


def same_origin() -> bool:
    """Whether the current request was sent by a page of this app's own origin.

    Browsers send ``Origin`` with every POST (and ``Sec-Fetch-Site``); a request carrying neither is
    refused as well, so only the app's own pages can change anything. ``Origin`` is compared with the
    ``Host`` header, so a reverse proxy must pass the public host on (nginx: ``proxy_set_header Host
    $host``).
    """
    origin = request.headers.get("Origin")
    if origin:
        return urlsplit(origin).netloc == request.host
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


def _page_path() -> str:
    """The request's path as a page: ``/verwaltung/`` is ``/verwaltung``."""
    return request.path.rstrip("/") or "/"


def _required_role(protected_outputs: Mapping[str, str], protected_pages: Mapping[str, str]) -> str | None:
    """The role a request needs: any account without anonymous access, more for protected pages and outputs."""
    needed = [] if _settings().anonymous_access else ["viewer"]
    page = protected_pages.get(_page_path())
    if page is not None:
        needed.append(page)
    if request.method == "POST" and request.path == DASH_UPDATE_PATH:
        body = request.get_json(silent=True)
        output = str(body.get("output", "")) if isinstance(body, dict) else ""
        needed += [role for component, role in protected_outputs.items() if f"{component}." in output]
    return max(needed, key=ROLES.index, default=None)


def _refuse(role: str, pages: Iterable[str]) -> object:
    """A page request without a login goes to the login page; everything else gets 401 or 403."""
    user = current_user()
    if user is None and request.method == "GET" and _page_path() in (*_PAGES, *pages):
        if _settings().login_mode == "local":
            return redirect(_settings().url_prefix + LOGIN_PATH.lstrip("/"), code=303)
    if user is None:
        abort(401, "Bitte zuerst anmelden.")
    abort(403, f"Dafür ist die Rolle »{ROLE_LABELS[role]}« nötig.")


def register(
    server: Flask,
    engine: Engine,
    settings: Settings,
    protected_outputs: Mapping[str, str],
    protected_pages: Mapping[str, str] | None = None,
) -> None:
    """Install the session settings, the origin and role checks and (``local``) the login routes.

    Parameters
    ----------
    server : Flask
        The app's server.
    engine : sqlalchemy.Engine
        Engine of the register (accounts and login attempts).
    settings : Settings
        ``login_mode``, ``trusted_proxies``, ``cookie_secure`` and the URL prefix.
    protected_outputs : mapping of str to str
        Component id -> role: a Dash update whose outputs name the component needs at least that role
        (ids that only the editing or admin callbacks write).
    protected_pages : mapping of str to str, optional
        Path -> role: opening the page needs at least that role (``/verwaltung``: admin).
    """
    protected_pages = dict(protected_pages or {})
    server.extensions["lpr_geo_engine"] = engine
    server.extensions["lpr_geo_settings"] = settings
    lifetime = session_lifetime(settings)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_NAME="lpr_geo_session",
        # a login's cookie expires with its session's absolute lifetime, counted from the login (Flask
        # also refuses a cookie signed longer ago); requests do not push the expiry further
        PERMANENT_SESSION_LIFETIME=lifetime.absolute,
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    prefix = settings.url_prefix

    @server.before_request
    def protect():
        if request.method in _STATE_CHANGING and not same_origin():
            abort(403, "Anfragen von fremden Seiten werden abgelehnt.")
        if _TOKEN in session:
            current_user()  # every request of a logged-in browser checks (and keeps alive) its session
        open_path = request.path in OPEN_PATHS or request.path.startswith(OPEN_PREFIXES)
        role = None if open_path else _required_role(protected_outputs, protected_pages)
        if role is not None and not has_role(current_user(), role):
            return _refuse(role, protected_pages)
        return None

    if settings.login_mode != "local":
        return

    @server.route(LOGIN_PATH, methods=["GET", "POST"])
    def login():
        message, name, status = "", "", 200
        if request.method == "POST":
            if not _csrf_valid():
                abort(403, "Das Formular ist abgelaufen; bitte die Seite neu laden.")
            name = request.form.get("name", "")
            try:
                user = authenticate(engine, name, request.form.get("password", ""), address=client_address())
            except LoginBlocked as blocked:
                message, status = str(blocked), 429
            else:
                # None as well if the account was deactivated between the password check and here
                token = open_session(engine, user.name, lifetime=lifetime) if user is not None else None
                if token is not None:
                    session.clear()  # a fresh cookie: the session's token and a new CSRF token
                    session.permanent = True
                    session[_TOKEN] = token
                    csrf_token()
                    return redirect(prefix, code=303)
                message, status = "Benutzername oder Passwort ist falsch.", 401
        page = render_template_string(
            _LOGIN_PAGE,
            prefix=prefix,
            message=message,
            name=name,
            csrf_token=csrf_token(),
            anonymous=settings.anonymous_access,
        )
        return page, status

    @server.route(LOGOUT_PATH, methods=["POST"])
    def logout():
        if not _csrf_valid():
            abort(403, "Das Formular ist abgelaufen; bitte die Seite neu laden.")
        if _TOKEN in session:
            end_session(engine, session[_TOKEN])
        session.clear()
        return redirect(prefix, code=303)
