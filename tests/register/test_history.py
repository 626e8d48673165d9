"""Queries the coverage engine relies on, history on past dates, the sample register and the audit trail."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import select

from lpr_geo.coverage import GROUP_DECLINED, GROUP_OPEN, coverage_tables, find_gaps, load_layers
from lpr_geo.register import (
    DEFAULT_NETWORK,
    AuditEntry,
    Network,
    StatusEvent,
    add_network,
    fill_sample,
    founding_dates,
    last_contacts,
    networks,
    register_session,
    status_events,
)
from lpr_geo.status import EVENT_STATUSES


def test_status_events_contract(register):
    fill_sample(register)
    events = status_events(register)
    assert list(events.columns) == ["network", "level", "key", "name", "status", "effective_date"]
    assert set(events["level"]) == {"kreis", "amt", "gemeinde"}
    assert set(events["status"]) == {s.value for s in EVENT_STATUSES}
    assert all(type(d) is dt.date for d in events["effective_date"])
    assert list(zip(events["key"], events["effective_date"], strict=True)) == sorted(
        zip(events["key"], events["effective_date"], strict=True)
    )
    assert 30 <= events["key"].nunique() <= 50
    assert status_events(register, "gibt es nicht").empty
    assert list(status_events(register, "gibt es nicht").columns) == list(events.columns)


def test_history_reconstructs_past_dates(register):
    """The register's events, as the map reads them: each Gemeinde's own status on a past day."""
    fill_sample(register)
    events, layers = status_events(register), load_layers()

    def state(day: str) -> dict[str, str]:
        frame = coverage_tables(layers, events, dt.date.fromisoformat(day)).gemeinde
        return {k: s for k, s in zip(frame["key"], frame["status"], strict=True) if s != "not_contacted"}

    assert state("2020-02-19") == {}
    assert state("2021-06-06")["12062124"] == "requested"
    assert state("2021-06-07")["12062124"] == "committed"
    assert state("2021-06-30")["12071160"] == "requested"
    assert state("2025-06-29")["12071160"] == "member"
    assert state("2025-06-30")["12071160"] == "left"
    assert state("2023-06-29")["12064472"] == "member"
    assert state("2023-06-30")["12064472"] == "left"
    assert "12069304" not in state("2025-12-31")
    assert state("2026-12-31")["12069304"] == "requested"


def test_last_contacts_and_networks(register):
    fill_sample(register)
    contacts = last_contacts(register)
    assert list(contacts.columns) == ["key", "level", "last_contact", "last_kind"]
    row = contacts.set_index("key").loc["12062124"]
    assert (row["level"], row["last_contact"], row["last_kind"]) == (
        "gemeinde",
        dt.date(2021, 6, 7),
        "Besuch",
    )
    assert contacts.set_index("key").loc["12063080", "last_kind"] == "Sitzung"
    add_network(register, "Kommunaler Präventionsrat Beispielstadt", founded=dt.date(2017, 1, 1))
    assert networks(register) == [DEFAULT_NETWORK, "Kommunaler Präventionsrat Beispielstadt"]
    assert last_contacts(register, "Kommunaler Präventionsrat Beispielstadt").empty


def test_sample_is_labelled(register):
    fill_sample(register)
    with register_session(register) as session:
        network = session.scalars(select(Network)).one()
        assert network.is_sample and "Beispieldaten" in network.description
        assert network.founded == dt.date(2020, 2, 20)


def test_audit_trail_records_who_old_and_new(register):
    fill_sample(register)
    with register_session(register, "Sachbearbeiterin") as session:
        event = session.scalars(select(StatusEvent).order_by(StatusEvent.id)).first()
        old_status, event_id = event.status, event.id
        event.status = "declined"
    with register_session(register) as session:
        entries = session.scalars(
            select(AuditEntry).where(
                AuditEntry.changed_by == "Sachbearbeiterin", AuditEntry.field == "status"
            )
        ).all()
        assert [(e.table_name, e.record_id, e.old_value, e.new_value) for e in entries] == [
            ("status_events", event_id, old_status, "declined")
        ]
        inserted = session.scalars(select(AuditEntry).where(AuditEntry.changed_by == "Beispieldaten")).all()
        assert {e.table_name for e in inserted} >= {"participants", "status_events", "contacts", "activities"}


def test_each_network_starts_on_its_founding_date(register):
    """The default network's date comes with the migration; a network added without one starts with it."""
    add_network(register, "Kommunaler Präventionsrat Beispielstadt", founded=dt.date(2017, 1, 1))
    add_network(register, "CTC Ohnedatum")
    assert founding_dates(register) == {
        DEFAULT_NETWORK: dt.date(2020, 2, 20),
        "CTC Ohnedatum": dt.date(2020, 2, 20),
        "Kommunaler Präventionsrat Beispielstadt": dt.date(2017, 1, 1),
    }
    assert list(founding_dates(register))[0] == DEFAULT_NETWORK
def test_a_status_change_is_a_contact(register):
    fill_sample(register)
    contacts = last_contacts(register).set_index("key")
    # Finsterwalde: requested 2021, declined 2022, no activity: its last contact is the refusal
    assert contacts.loc["12062140", "last_contact"] == dt.date(2022, 5, 17)
    assert contacts.loc["12062140", "last_kind"] == "Statusänderung: Kein Interesse"
    # on the day of a status change and a visit, the visit is the contact (Elsterwerda, 07.06.2021)
    assert contacts.loc["12062124", "last_kind"] == "Besuch"
    # every region with a status has a contact
    assert set(status_events(register)["key"]) <= set(contacts.index)
    before = last_contacts(register, DEFAULT_NETWORK, dt.date(2022, 5, 16)).set_index("key")
    assert before.loc["12062140", "last_contact"] == dt.date(2021, 6, 8)
    assert before.loc["12062140", "last_kind"] == "Statusänderung: Angefragt"
    assert "12069304" not in before.index  # first contacted in 2026


def test_the_sample_register_ranks_like_the_office_would(register):
    """Acceptance (issue 16): the kreisfreie Städte outside the network lead, the top is not one block."""
    fill_sample(register)
    on = dt.date(2026, 12, 1)
    tables = coverage_tables(load_layers(), status_events(register), on, network=DEFAULT_NETWORK)
    gaps = find_gaps(tables, "gemeinde", last_contacts(register, DEFAULT_NETWORK, on))
    top = gaps.head(10)["name"].tolist()
    assert "Frankfurt (Oder)" in top and "Brandenburg an der Havel" in top, top
    assert gaps.head(20)["priority"].nunique() >= 8
    finsterwalde = gaps.set_index("name").loc["Finsterwalde"]
    assert finsterwalde["last_contact"] == np.datetime64("2022-05-17")
    assert finsterwalde["last_kind"] == "Statusänderung: Kein Interesse"
    # declined more than 2 years ago: back in the Rangliste, without the points for "nie kontaktiert"
    assert finsterwalde["group"] == GROUP_OPEN and finsterwalde["score_never_contacted"] == 0
    assert "Kein Interesse seit 17.05.2022, erneut ansprechbar seit 17.05.2024" in finsterwalde["reason"]
    # Schwedt/Oder declined on 27.05.2025: set apart until 27.05.2027
    schwedt = gaps.set_index("name").loc["Schwedt/Oder"]
    assert schwedt["group"] == GROUP_DECLINED
    assert schwedt["reason"].endswith("Kein Interesse seit 27.05.2025, erneut ansprechen ab 27.05.2027")
