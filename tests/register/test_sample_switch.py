"""Going live from the sample register: an import never mixes with it, `lpr-geo db sample` brings it back."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lpr_geo.cli import main
from lpr_geo.register import (
    DEFAULT_NETWORK,
    AuditEntry,
    Network,
    Participant,
    SampleRegisterError,
    fill_sample,
    import_members,
    make_engine,
    recreate_sample,
    register_holds_sample,
    status_events,
)
from lpr_geo.register.sample import HISTORY

from .conftest import row_counts, write_csv

ROWS = [["AGS", "Status", "Seit", "Ansprechpartner"], ["12073572", "Im Gespräch", "03.03.2025", "Frau Echt"]]


def test_an_import_into_the_sample_is_refused_and_changes_nothing(register, tmp_path):
    fill_sample(register)
    before = row_counts(register)
    with pytest.raises(SampleRegisterError, match="Beispielregister"):
        import_members(register, write_csv(tmp_path / "echt.csv", ROWS), user="test")
    assert row_counts(register) == before
    assert import_members(register, tmp_path / "echt.csv", dry_run=True).ok  # a dry run may look


def test_removing_the_sample_and_importing_is_one_transaction(register, tmp_path):
    fill_sample(register)
    path = write_csv(tmp_path / "echt.csv", ROWS)
    report = import_members(register, path, user="test", remove_sample=True)
    assert report.ok and report.sample_removed == len(HISTORY), report.text()
    assert "Beispielregister entfernt" in report.text()
    assert not register_holds_sample(register)
    events = status_events(register)
    assert list(events["key"]) == ["12073572"]
    counts = row_counts(register)
    assert counts["participants"] == 1 and counts["contacts"] == 1 and counts["activities"] == 0
    with Session(register) as session:
        network = session.scalars(select(Network).where(Network.name == DEFAULT_NETWORK)).one()
        assert not network.is_sample and "Beispiel" not in network.description
        deleted = select(func.count()).select_from(AuditEntry).where(AuditEntry.new_value.is_(None))
        assert session.scalar(deleted) > 0  # the deletions are in the audit trail


def test_a_failing_import_keeps_the_sample(register, tmp_path, monkeypatch):
    """The sample goes only together with the import: an error while writing rolls both back."""
    fill_sample(register)
    before = row_counts(register)
    from lpr_geo.register import importer

    def broken(*args, **kwargs):
        raise RuntimeError("Schreibfehler")

    monkeypatch.setattr(importer, "_write", broken)
    with pytest.raises(RuntimeError):
        import_members(register, write_csv(tmp_path / "echt.csv", ROWS), user="test", remove_sample=True)
    assert row_counts(register) == before and register_holds_sample(register)


def test_recreating_the_sample_only_on_an_empty_or_sample_register(register, tmp_path):
    recreate_sample(register)  # empty -> sample
    assert register_holds_sample(register)
    recreate_sample(register)  # sample -> a fresh sample, not twice the sample
    assert row_counts(register)["participants"] == len(HISTORY)
    import_members(register, write_csv(tmp_path / "echt.csv", ROWS), user="test", remove_sample=True)
    before = row_counts(register)
    with pytest.raises(Exception, match="echte Daten"):
        recreate_sample(register)
    assert row_counts(register) == before


def test_the_cli_asks_for_the_flag_and_db_sample_recreates(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(main, ["db", "sample", "--db", db]).exit_code == 0
    path = write_csv(tmp_path / "echt.csv", ROWS)
    looked = runner.invoke(main, ["members", "import", str(path), "--dry-run", "--db", db])
    assert looked.exit_code == 0 and "übernommen wird nur mit --beispiel-entfernen" in looked.output
    refused = runner.invoke(main, ["members", "import", str(path), "--db", db])
    assert refused.exit_code == 1
    assert "Beispielregister" in refused.output and "--beispiel-entfernen" in refused.output
    done = runner.invoke(main, ["members", "import", str(path), "--beispiel-entfernen", "--db", db])
    assert done.exit_code == 0 and f"Beispielregister entfernt ({len(HISTORY)} Regionen" in done.output, (
        done.output
    )
    again = runner.invoke(main, ["db", "sample", "--db", db])
    assert again.exit_code == 1 and "echte Daten" in again.output


def test_cli_and_dashboard_share_the_embedded_default_from_the_first_command(tmp_path):
    env = {"LPR_GEO_DATA_DIR": str(tmp_path / "daten"), "LPR_GEO_DB": ""}
    runner = CliRunner()
    shown = runner.invoke(main, ["coverage", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    engine = make_engine(f"sqlite:///{tmp_path / 'daten' / 'register.sqlite'}")
    assert register_holds_sample(engine)  # the same file `lpr-geo serve` fills, filled the same way
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Participant)) == len(HISTORY)
    path = write_csv(tmp_path / "echt.csv", ROWS)
    done = runner.invoke(main, ["members", "import", str(path), "--beispiel-entfernen"], env=env)
    assert done.exit_code == 0, done.output
    # emptied later, the register stays real: no command refills it with the sample
    with Session(engine) as session:
        session.execute(delete(Participant))
        session.commit()
    assert runner.invoke(main, ["coverage"], env=env).exit_code == 0
    assert not register_holds_sample(engine)
    engine.dispose()


def test_the_first_real_status_removes_the_sample_in_its_transaction(register):
    from lpr_geo.auth import User
    from lpr_geo.register import set_status

    fill_sample(register)
    editor = User("redakteurin", "editor")
    # the form was loaded from the sample (Elsterwerda has a version there): going live ignores it
    set_status(
        register, editor, "gemeinde", "12062124", None, "Angefragt", "01.03.2026", "", 3, remove_sample=True
    )
    assert not register_holds_sample(register)
    events = status_events(register)
    assert list(zip(events["key"], events["status"], strict=True)) == [("12062124", "requested")]
    counts = row_counts(register)
    assert counts["participants"] == 1 and counts["contacts"] == 0 and counts["activities"] == 0
