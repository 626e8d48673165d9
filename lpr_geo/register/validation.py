"""The rules a contact person and a status date follow, one copy for the editor and the import.

Both paths used to check contacts and dates each in their own way: the import accepted phone numbers
and e-mail addresses the editor refuses, and status dates before a network's founding, so an imported
contact could not be saved again unchanged in the editor. The checks return German reasons without the
field's label; the editor puts its form label in front (``E-Mail: …``), the import names row and column
(``Zeile 3, Feld »E-Mail«: …``), so both say the same words.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from .errors import quoted
from .models import Contact

#: Fields of a contact person, as the :class:`~lpr_geo.register.models.Contact` columns name them.
CONTACT_FIELDS = ("name", "role", "organisation", "email", "phone")
#: Longest text per contact field: the length of its database column (PostgreSQL refuses longer text).
MAX_LENGTH: dict[str, int] = {f: Contact.__table__.c[f].type.length for f in CONTACT_FIELDS}
#: The Land Brandenburg was re-founded on this day; an earlier status date is a typing error.
EARLIEST_DATE = dt.date(1990, 10, 3)

_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]{2,}")
_PHONE = re.compile(r"\+?[0-9 ()/.\-]+")
_LOCAL = ZoneInfo("Europe/Berlin")


def today() -> dt.date:
    """Today in Brandenburg (the server may run in UTC)."""
    return dt.datetime.now(_LOCAL).date()


def german_date(day: dt.date) -> str:
    """``TT.MM.JJJJ``, also for years before 1000 (which ``strftime`` would not pad everywhere)."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def text_problem(text: str, limit: int | None = None) -> str | None:
    """Why a text cannot be stored (a NUL character, longer than ``limit``), or None."""
    if "\x00" in text:
        return "enthält ein Steuerzeichen, das nicht gespeichert werden kann (NUL)"
    if limit is not None and len(text) > limit:
        return f"zu lang ({len(text)} Zeichen, höchstens {limit})"
    return None


def contact_problems(values: dict[str, str]) -> list[tuple[str, str]]:
    """Every problem of a contact person's values (already stripped), as (field, German reason).

    Parameters
    ----------
    values : dict of str to str
        ``name``, ``role``, ``organisation``, ``email`` and ``phone``; empty strings for blank fields.

    Returns
    -------
    list of (str, str)
        In form order; empty if the contact can be stored.
    """
    problems = [
        (field, problem)
        for field in CONTACT_FIELDS
        if (problem := text_problem(values[field], MAX_LENGTH[field]))
    ]
    if not values["name"]:
        problems.append(("name", "bitte den Namen angeben"))
    email, phone = values["email"], values["phone"]
    if email and not _EMAIL.fullmatch(email):
        problems.append(("email", f"{quoted(email)} ist keine gültige E-Mail-Adresse"))
    if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 3):
        problems.append(
            (
                "phone",
                f"{quoted(phone)} ist keine Telefonnummer (erlaubt: Ziffern, Leerzeichen und + ( ) / - .)",
            )
        )
    return problems


def future_problem(day: dt.date) -> str | None:
    """``der … liegt in der Zukunft`` for a date after today, else None."""
    return f"der {german_date(day)} liegt in der Zukunft" if day > today() else None


def status_date_problem(day: dt.date, network: str, founded: dt.date | None) -> str | None:
    """Why a status cannot hold from ``day`` on in ``network`` (founded on ``founded``), or None.

    Not in the future, not before the Land existed (a typing error), not before the network's founding.
    """
    problem = future_problem(day)
    if problem is None and day < EARLIEST_DATE:
        problem = (
            f"der {german_date(day)} liegt vor dem {german_date(EARLIEST_DATE)} "
            "(Gründung des Landes Brandenburg); Tippfehler?"
        )
    if problem is None and founded is not None and day < founded:
        problem = f"der {german_date(day)} liegt vor der Gründung von »{network}« ({german_date(founded)})"
    return problem
