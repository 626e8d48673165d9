"""``lpr-geo geodata``: information about (and later imports of) boundary datasets."""

from __future__ import annotations

import json

import click

from lpr_geo.boundaries import dataset_info


@click.group()
def geodata() -> None:
    """Grenzdaten (VG250) anzeigen und verwalten."""


@geodata.command("info")
def info() -> None:
    """JSON: aktiver Datensatz, Stichtag, Namensnennung und Anzahl je Ebene."""
    click.echo(json.dumps(dataset_info(), ensure_ascii=False, indent=2))
