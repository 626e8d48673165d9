"""Two writers on the same record: the second gets a conflict, never a silent overwrite."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from lpr_geo.register import ConflictError, Contact, fill_sample, register_session


def _first_contact_id(engine) -> int:
    with register_session(engine) as session:
        return session.scalars(select(Contact.id).order_by(Contact.id)).first()


def test_stale_write_is_a_conflict(register):
    fill_sample(register)
    contact_id = _first_contact_id(register)
    with pytest.raises(ConflictError, match="inzwischen von jemand anderem geändert"):
        with register_session(register, "zweite") as second:
            stale = second.get(Contact, contact_id)
            with register_session(register, "erste") as first:
                first.get(Contact, contact_id).phone = "0331 111"
            stale.phone = "0331 222"
    with register_session(register) as session:
        assert session.get(Contact, contact_id).phone == "0331 111"


@pytest.mark.postgres
def test_concurrent_writers_on_postgres(make_register):
    engine = make_register("postgres")
    fill_sample(engine)
    contact_id = _first_contact_id(engine)
    both_read = threading.Barrier(2)
    first_written = threading.Event()
    outcome: dict[str, object] = {}

    def writer(name: str, phone: str) -> None:
        try:
            with register_session(engine, name) as session:
                contact = session.get(Contact, contact_id)
                both_read.wait(timeout=10)
                if name == "zweite":
                    first_written.wait(timeout=10)
                contact.phone = phone
                session.flush()  # the row lock is held from here until commit
                if name == "erste":
                    first_written.set()
            outcome[name] = "ok"
        except ConflictError as error:
            outcome[name] = error

    threads = [
        threading.Thread(target=writer, args=a) for a in (("erste", "0331 111"), ("zweite", "0331 222"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome["erste"] == "ok"
    assert isinstance(outcome["zweite"], ConflictError)
    with register_session(engine) as session:
        contact = session.get(Contact, contact_id)
        assert (contact.phone, contact.version) == ("0331 111", 2)
