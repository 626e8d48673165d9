"""Export -> import -> export is lossless, and formula-like cells are neutralised in the files."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from sqlalchemy import select

from lpr_geo.register import (
    Contact,
    StatusEvent,
    export_members,
    fill_sample,
    import_members,
    make_engine,
    register_session,
    upgrade,
)
from lpr_geo.register.tabular import read_table

from .conftest import row_counts

DANGEROUS = {
    "name": '=HYPERLINK("http://example.org")',
    "role": "\tLeitung",
    "organisation": "@Ordnungsamt",
    "phone": "+49 331 555",
}
DANGEROUS_NOTES = ("-5 Punkte", "\rWagenrücklauf")


def _cells(path):
    table = read_table(path)
    return table.header, [cells for _, cells in table.rows]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_is_identical(backend, make_register, tmp_path, suffix):
    source = make_register(backend)
    fill_sample(source)
    first = tmp_path / f"first{suffix}"
    rows = export_members(source, first)
    assert rows >= 80

    target = make_register(backend)
    report = import_members(target, first, user="test")
    assert report.ok, report.text()
    second = tmp_path / f"second{suffix}"
    export_members(target, second)
    assert _cells(first) == _cells(second)

    before = row_counts(target)
    again = import_members(target, first, user="test")
    assert again.ok and not again.changed, again.text()
    assert row_counts(target) == before


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_cells_are_neutralised_and_restored(register, tmp_path, suffix):
    fill_sample(register)
    with register_session(register, "test") as session:
        contact = session.scalars(select(Contact).order_by(Contact.id)).first()
        for field, value in DANGEROUS.items():
            setattr(contact, field, value)
        events = session.scalars(select(StatusEvent).order_by(StatusEvent.id).limit(2)).all()
        for event, note in zip(events, DANGEROUS_NOTES, strict=True):
            event.note = note
    path = tmp_path / f"export{suffix}"
    export_members(register, path)

    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            raw = [cell for row in csv.reader(handle, delimiter=";") for cell in row]
    else:
        sheet = load_workbook(path).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        # Excel shows OOXML escapes (_x000D_) as the characters they stand for
        raw = [
            unescape(cell.value) for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)
        ]
    for value in (*DANGEROUS.values(), *DANGEROUS_NOTES):
        assert "'" + value in raw
        assert value not in raw

    target_path = tmp_path / f"again{suffix}"
    fresh = tmp_path / "fresh.sqlite"
    target = make_engine(f"sqlite:///{fresh}")
    upgrade(target)
    assert import_members(target, path).ok
    export_members(target, target_path)
    assert _cells(path) == _cells(target_path)
    with register_session(target) as session:
        restored = session.scalars(select(Contact).where(Contact.name == DANGEROUS["name"])).one()
        assert {f: getattr(restored, f) for f in DANGEROUS} == DANGEROUS
        notes = set(session.scalars(select(StatusEvent.note)))
        assert set(DANGEROUS_NOTES) <= notes
    target.dispose()
