"""Activities as a history: record once per form key, correct, delete (versioned, audited), Wiedervorlage."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import select, text

from lpr_geo.auth import PermissionDenied, User
from lpr_geo.register import (
    InvalidInput,
    Saved,
    StaleEdit,
    add_activity,
    audit_entries,
    correct_activity,
    delete_activity,
    followups,
    make_engine,
)
from lpr_geo.register.database import _alembic_config
from lpr_geo.register.followups import open_followup
from lpr_geo.register.history import region_activities
from lpr_geo.register.models import Activity

from .conftest import row_counts

ERIKA, OTTO = User("erika", "editor"), User("otto", "editor")
VIEWER, ADMIN = User("vera", "viewer"), User("anna", "admin")
ELSTERWERDA = ("gemeinde", "12062124")
COTTBUS = ("kreis", "12052")
TODAY = dt.date(2026, 12, 1)


def _activities(engine) -> list[Activity]:
    with engine.connect() as connection:
        return connection.execute(select(Activity.__table__).order_by(Activity.id)).all()


def test_the_same_form_key_twice_records_one_activity(register):
    first = add_activity(register, ERIKA, *ELSTERWERDA, "2026-11-20", "Besuch", next_step="Beschluss abwarten",
                         next_step_due="2026-12-15", request_key="formular-1")  # fmt: skip
    again = add_activity(register, ERIKA, *ELSTERWERDA, "2026-11-20", "Besuch", next_step="Beschluss abwarten",
                         next_step_due="2026-12-15", request_key="formular-1")  # fmt: skip
    assert again == first
    assert len(_activities(register)) == 1
    # a new form (a new key) records a new activity, and a key only counts within its region
    add_activity(register, ERIKA, *ELSTERWERDA, "2026-11-21", "Telefonat", request_key="formular-2")
    add_activity(register, ERIKA, *COTTBUS, "2026-11-21", "Telefonat", request_key="formular-2")
    assert len(_activities(register)) == 3


def test_request_keys_are_bounded(register):
    with pytest.raises(InvalidInput, match="Formularschlüssel: zu lang"):
        add_activity(register, ERIKA, *ELSTERWERDA, "2026-11-20", "Besuch", request_key="x" * 65)
    assert _activities(register) == []


def test_a_due_date_needs_a_next_step(register):
    with pytest.raises(InvalidInput, match="Nächster Schritt: bitte angeben, was am 15.12.2026 fällig ist"):
        add_activity(register, ERIKA, *ELSTERWERDA, "2026-11-20", "Besuch", next_step_due="15.12.2026")


def test_correct_and_delete_are_versioned_and_audited(register):
    saved = add_activity(register, ERIKA, *ELSTERWERDA, "2026-11-20", "Besuch", place="Rathaus",
                         next_step="Anrufen", next_step_due="2026-11-25")  # fmt: skip
    values = dict(date="20.11.2026", kind="Telefonat", place="Rathaus", next_step="Anrufen",
                  next_step_due="26.11.2026")  # fmt: skip
    corrected = correct_activity(register, OTTO, *ELSTERWERDA, saved.id, **values, expected_version=1)
    assert corrected == Saved(saved.id, 2)
    # the same correction once more (a retried request) is no conflict and changes nothing
    assert correct_activity(register, OTTO, *ELSTERWERDA, saved.id, **values, expected_version=1) == corrected
    before = row_counts(register)
    with pytest.raises(StaleEdit) as stale:
        correct_activity(register, ERIKA, *ELSTERWERDA, saved.id, **{**values, "place": "Schule"},
                         expected_version=1)  # fmt: skip
    assert "inzwischen von otto geändert" in str(stale.value)
    assert stale.value.current["Ort"] == "Rathaus" and stale.value.submitted["Ort"] == "Schule"
    assert stale.value.current["Fällig am"] == "26.11.2026"
    assert row_counts(register) == before
    (activity,) = region_activities(register, *ELSTERWERDA)
    assert (activity.kind, activity.next_step_due, activity.version) == (
        "Telefonat",
        dt.date(2026, 11, 26),
        2,
    )

    with pytest.raises(StaleEdit):
        delete_activity(register, ERIKA, *ELSTERWERDA, saved.id, expected_version=1)
    delete_activity(register, ERIKA, *ELSTERWERDA, saved.id, expected_version=2)
    assert region_activities(register, *ELSTERWERDA) == []
    with pytest.raises(StaleEdit, match="inzwischen gelöscht"):
        delete_activity(register, ERIKA, *ELSTERWERDA, saved.id, expected_version=2)
    trail = audit_entries(register, ADMIN, table="activities")
    changes = set(
        zip(trail.changed_by, trail.field, trail.old_value, trail.new_value.fillna(""), strict=True)
    )
    assert ("otto", "kind", "Besuch", "Telefonat") in changes
    assert ("erika", "next_step", "Anrufen", "") in changes  # deleted: the old values stay in the trail


def test_an_activity_of_another_region_is_not_found(register):
    saved = add_activity(register, ERIKA, *ELSTERWERDA, "2026-11-20", "Besuch")
    add_activity(register, ERIKA, *COTTBUS, "2026-11-20", "Besuch")
    with pytest.raises(InvalidInput, match="Aktivität Nr. .* gibt es bei"):
        delete_activity(register, ERIKA, *COTTBUS, saved.id)
    with pytest.raises(InvalidInput, match="Aktivität Nr. .* gibt es bei"):
        correct_activity(register, ERIKA, *COTTBUS, saved.id, date="2026-11-20", kind="Besuch")


@pytest.mark.parametrize("who", [VIEWER, None, User("ex", "editor", active=False)])
def test_only_editors_record_correct_and_delete(register, who):
    saved = add_activity(register, ERIKA, *ELSTERWERDA, "2026-11-20", "Besuch")
    before = row_counts(register)
    for call in (
        lambda: add_activity(register, who, *ELSTERWERDA, "2026-11-20", "Besuch"),
        lambda: correct_activity(register, who, *ELSTERWERDA, saved.id, date="2026-11-20", kind="Sitzung"),
        lambda: delete_activity(register, who, *ELSTERWERDA, saved.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert row_counts(register) == before


def test_followups_are_the_latest_next_step_of_each_region_when_due(register):
    add_activity(register, ERIKA, *ELSTERWERDA, "2026-11-02", "Besuch", next_step="Anrufen",
                 next_step_due="2026-11-10")  # fmt: skip
    add_activity(register, ERIKA, *COTTBUS, "2026-11-05", "Telefonat", next_step="Unterlagen schicken",
                 next_step_due="2026-12-01")  # fmt: skip
    add_activity(register, ERIKA, "gemeinde", "12066272", "2026-11-05", "E-Mail", next_step="Sitzung planen",
                 next_step_due="2026-12-20")  # fmt: skip
    due = followups(register, today=TODAY)
    assert [(f.region, f.next_step, f.days_late, f.overdue) for f in due] == [
        ("Elsterwerda", "Anrufen", 21, True),
        ("Cottbus", "Unterlagen schicken", 0, False),
    ]
    assert [f.key for f in followups(register, until=dt.date(2026, 12, 31), today=TODAY)] == [
        "12062124", "12052", "12066272"
    ]  # fmt: skip
    # the call that followed up settles the visit's next step
    latest = add_activity(register, OTTO, *ELSTERWERDA, "2026-11-12", "Telefonat", outcome="erreicht")
    assert [f.key for f in followups(register, today=TODAY)] == ["12052"]
    assert open_followup(register, *ELSTERWERDA) is None
    # recorded by mistake: deleted, the visit's next step is open again
    delete_activity(register, OTTO, *ELSTERWERDA, latest.id)
    assert [f.key for f in followups(register, today=TODAY)] == ["12062124", "12052"]
    assert open_followup(register, *ELSTERWERDA) == followups(register, today=TODAY)[0].activity_id


def _upgrade_to(engine, revision: str) -> None:
    command.upgrade(_alembic_config(engine), revision)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migration_0004_up_and_down_keeps_the_activities(backend, tmp_path, request):
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'alt.sqlite'}")
    else:
        engine = make_engine(request.getfixturevalue("pg_databases").blank())
    try:
        _upgrade_to(engine, "0003")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO participants (level, key, name, kreis_key, version) "
                                    "VALUES ('gemeinde', '12062124', 'Elsterwerda', '12062', 1)"))  # fmt: skip
            connection.execute(text("INSERT INTO activities (participant_id, date, kind, place, attendees, "
                                    "outcome, next_step, next_step_due, version) VALUES (1, '2021-06-07', "
                                    "'Besuch', 'Rathaus', '', '', 'Anrufen', '2021-09-30', 1)"))  # fmt: skip
        _upgrade_to(engine, "head")
        assert add_activity(engine, ERIKA, *ELSTERWERDA, "2026-11-20", "Besuch", request_key="k").id == 2
        assert add_activity(engine, ERIKA, *ELSTERWERDA, "2026-11-20", "Besuch", request_key="k").id == 2
        command.downgrade(_alembic_config(engine), "0003")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, place, next_step FROM activities ORDER BY id")).all()
            columns = connection.execute(text("SELECT * FROM activities")).keys()
        assert [tuple(row) for row in rows] == [(1, "Rathaus", "Anrufen"), (2, "", "")]
        assert "request_key" not in columns
        _upgrade_to(engine, "head")
    finally:
        engine.dispose()
