"""The contact persons' names, e-mail addresses and phone numbers, read from a real register."""

from __future__ import annotations

from sqlalchemy import create_engine, select

from lpr_geo.register.models import Contact


def contact_strings(db_url: str) -> list[str]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(Contact.name, Contact.email, Contact.phone)).all()
    finally:
        engine.dispose()
    strings = [value for row in rows for value in row if value]
    assert len(strings) >= 30  # the sample register has contacts: the check below must be able to fail
    return strings


def assert_no_personal_data(text: str, strings: list[str], where: str) -> None:
    leaked = [s for s in strings if s in text]
    assert leaked == [], f"{where} contains personal data: {leaked[:5]}"
