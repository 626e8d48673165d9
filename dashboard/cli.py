"""Commands the dashboard contributes to ``lpr-geo`` (entry-point group ``lpr_geo.commands``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from lpr_geo import Boundaries, RegisterError, Settings, ensure_sample_register, founding_dates
from lpr_geo import vocabulary as words
from lpr_geo.cli import fail, uses_settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse, an der der Server lauscht.")
@click.option("--port", default=8050, show_default=True, type=int, help="Port des Servers.")
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64),
    help="Prozesse des Servers (gunicorn); je Prozessorkern einer.",
)  # fmt: skip
@click.option(
    "--threads", default=4, show_default=True, type=click.IntRange(1, 64),
    help="Threads je Prozess, für gleichzeitige Anfragen, die warten (Dateien, Exporte, Datenbank).",
)  # fmt: skip
@click.option(
    "--dev",
    is_flag=True,
    help="Entwicklungsserver von Flask mit automatischem Neuladen (nicht für den Betrieb).",
)
@uses_settings(db=True)
def serve(
    host: str, port: int, workers: int, threads: int, dev: bool, settings: Settings, boundaries: Boundaries
) -> None:
    """Dashboard starten (Standard: eingebettete SQLite-Datenbank mit Beispielregister)."""
    click.echo(settings.describe_register(), err=True)
    try:  # before any worker starts: a database error is one line here, the sample is filled once
        ensure_sample_register(settings, boundaries).dispose()
    except RegisterError as exc:  # database unreachable, not openable or not migrated
        fail(exc)
    if dev:
        from .app import create_app

        click.echo(f"Dashboard: http://{host}:{port}{settings.url_prefix}")
        create_app(settings).run(host=host, port=port, debug=False, use_reloader=True)
        return
    from .server import DashboardServer  # the web stack loads only for this command

    DashboardServer(settings, host, port, workers, threads).run()


def _services(settings: Settings, boundaries: Boundaries, network: str | None):
    """The register's services for a command, and the network asked for (default: the first)."""
    from .services import Services

    click.echo(settings.describe_register(), err=True)
    try:
        engine = ensure_sample_register(settings, boundaries)
    except RegisterError as exc:
        fail(exc)
    services = Services(engine, boundaries, geometry_url=lambda level, kreis: "")
    networks = services.networks()
    if network is not None and network not in networks:
        raise click.BadParameter(f"unbekanntes Netzwerk {network!r} (vorhanden: {', '.join(networks)})")
    return services, network or networks[0]


@click.command()
@click.argument("fmt", metavar="html|png|svg|pdf", type=click.Choice(["html", "png", "svg", "pdf"]))
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--level", type=click.Choice(["gemeinde", "amt", "kreis"]), default="gemeinde", show_default=True,
    help="Ebene der Karte.",
)  # fmt: skip
@click.option(
    "--kreis", metavar="SCHLÜSSEL", help="Nur diesen Kreis zeigen (5-stelliger Schlüssel, z. B. 12062)."
)
@click.option("--stand", type=click.DateTime(["%Y-%m-%d"]), help="Stichtag JJJJ-MM-TT (Standard: heute).")
@click.option("--network", metavar="NAME", help="Netzwerk (Standard: AG 4 bzw. das Beispielregister).")
@click.option("--size", metavar="BxH", default="1600x900", show_default=True, help="Pixelgröße von PNG/SVG.")
@uses_settings(db=True)
def export(fmt, out, level, kreis, stand, network, size, settings: Settings, boundaries: Boundaries) -> None:
    """Karte offline exportieren: eigenständige HTML-Datei oder PNG/SVG/PDF mit Legende, Stand und Quellen."""
    from .exports import ExportError
    from .exports import export as render
    from .url_state import ViewState

    try:
        width, height = (int(n) for n in size.lower().split("x"))
    except ValueError as exc:
        raise click.BadParameter(f"{size!r} ist keine Größe wie 1600x900", param_hint="--size") from exc
    services, network = _services(settings, boundaries, network)
    engine = services.engine
    if kreis is not None and kreis not in services.known_values().kreise:
        raise click.BadParameter(
            f"{kreis!r} ist kein Kreisschlüssel des aktiven Datensatzes", param_hint="--kreis"
        )
    founded, today = founding_dates(engine)[network], dt.date.today()
    on = stand.date() if stand else today
    if not founded <= on <= today:
        raise click.BadParameter(
            f"Stichtag muss zwischen {words.date(founded)} (Gründung) und heute liegen", param_hint="--stand"
        )
    view = ViewState(network=network, on=on, level=level, kreis=kreis)
    try:
        result = render(services, view, fmt, chromium=settings.chromium, size=(width, height))
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    out.write_bytes(result.content)
    click.echo(f"{out} ({len(result.content) / 1e6:.1f} MB)")


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--since",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Beginn des Berichtszeitraums JJJJ-MM-TT.",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Ende des Berichtszeitraums JJJJ-MM-TT (Standard: heute).",
)
@click.option("--network", metavar="NAME", help="Netzwerk (Standard: AG 4 bzw. das Beispielregister).")
@uses_settings(db=True)
def report(out, since, until, network, settings: Settings, boundaries: Boundaries) -> None:
    """Sitzungsbericht als PDF: Kennzahlen, Karte, Entwicklung, Kreise und Änderungen im Zeitraum."""
    from .exports import ExportError
    from .session_report import build_report, pdf, period_error

    services, network = _services(settings, boundaries, network)
    start, end = since.date(), (until.date() if until else dt.date.today())
    problem = period_error(services, network, start, end)
    if problem:
        raise click.BadParameter(problem, param_hint="--since/--until")
    try:
        content = pdf(build_report(services, network, start, end), settings.chromium)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    out.write_bytes(content)
    click.echo(f"{out} ({len(content) / 1e6:.1f} MB)")
