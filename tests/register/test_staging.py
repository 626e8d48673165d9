"""The staged import of the admin upload as an lpr_geo workflow (issue 15): upload, check, apply exactly the
checked rows once; owner-only files under the data directory; the file read once.
"""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest

from lpr_geo.boundaries import Boundaries
from lpr_geo.register import ImportStaging, NotChecked, StagingGone, status_events
from lpr_geo.register.staging import FOLDER, STALE_AFTER_SECONDS
from lpr_geo.spreadsheets import ReadLimits

from .conftest import row_counts

GOOD = b"AGS;Status;Seit;Ansprechpartner\r\n12062124;Mitglied;07.06.2021;Erika Beispiel\r\n"
BAD = b"AGS;Status;Seit\r\n12999999;Mitglied;07.06.2021\r\n"


@pytest.fixture
def staging(register, tmp_path) -> ImportStaging:
    return ImportStaging(tmp_path / "daten", register, ReadLimits(), Boundaries.bundled())


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_uploads_wait_owner_only_under_the_data_directory_whatever_the_umask(staging, tmp_path):
    old = os.umask(0)  # the most permissive umask: permissions must not depend on it
    try:
        token = staging.stage(GOOD, "../../etc/mitglieder.csv", "anna")
    finally:
        os.umask(old)
    root = tmp_path / "daten" / FOLDER
    folder = root / token
    assert sorted(p.name for p in folder.iterdir()) == ["mitglieder.csv", "upload.json"]
    assert _mode(root) == 0o700 and _mode(folder) == 0o700
    assert {_mode(p) for p in folder.iterdir()} == {0o600}


def test_check_reads_the_file_once_and_apply_writes_exactly_the_checked_rows_once(
    staging, register, tmp_path
):
    token = staging.stage(GOOD, "mitglieder.csv", "anna")
    before = row_counts(register)
    report = staging.check(token, "anna")
    assert report.ok and report.dry_run and report.counts["events_added"] == 1
    assert row_counts(register) == before
    folder = tmp_path / "daten" / FOLDER / token
    # read once: from the check on, only the checked rows are kept, the upload itself is gone
    assert sorted(p.name for p in folder.iterdir()) == ["checked.json", "upload.json"]
    assert _mode(folder / "checked.json") == 0o600
    again = staging.check(token, "anna")  # a second check counts the checked rows anew
    assert again.counts == report.counts
    applied = staging.apply(token, "anna")
    assert applied.ok and not applied.dry_run and applied.counts["events_added"] == 1
    events = status_events(register)
    assert list(events["key"]) == ["12062124"] and list(events["status"]) == ["member"]
    assert not folder.exists() and not list((tmp_path / "daten" / FOLDER).iterdir())
    with pytest.raises(StagingGone):
        staging.apply(token, "anna")
    assert row_counts(register)["status_events"] == 1


def test_two_clicks_on_apply_write_once(staging, register):
    token = staging.stage(GOOD, "mitglieder.csv", "anna")
    staging.check(token, "anna")
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def click() -> None:
        start.wait()
        try:
            outcomes.append(staging.apply(token, "anna").counts["events_added"])
        except StagingGone as gone:
            outcomes.append(gone)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == ["1", str(StagingGone())]
    assert row_counts(register)["status_events"] == 1


def test_unchecked_foreign_and_faulty_uploads_are_refused(staging, register, tmp_path):
    before = row_counts(register)
    token = staging.stage(GOOD, "mitglieder.csv", "anna")
    with pytest.raises(NotChecked, match="Bitte die Datei zuerst prüfen"):
        staging.apply(token, "anna")
    for other in ("otto", ""):
        with pytest.raises(StagingGone):
            staging.check(token, other)
    for forged in ("A" * 32, "../" * 11, None, {"token": token}):
        with pytest.raises(StagingGone):
            staging.check(forged, "anna")
    bad = staging.stage(BAD, "falsch.csv", "anna")
    report = staging.check(bad, "anna")
    assert not report.ok and "unbekannter Schlüssel »12999999«" in report.text()
    assert not (tmp_path / "daten" / FOLDER / bad).exists()  # a file with problems can never be applied
    assert row_counts(register) == before


def test_stale_uploads_are_swept_at_the_next_upload(staging, tmp_path):
    old = staging.stage(GOOD, "alt.csv", "anna")
    folder = tmp_path / "daten" / FOLDER / old
    long_ago = time.time() - STALE_AFTER_SECONDS - 60
    os.utime(folder, (long_ago, long_ago))
    staging.stage(GOOD, "neu.csv", "anna")
    assert not folder.exists()
