"""Status of a region in a network: stored codes and the German labels users see.

No register row for a region means "nicht kontaktiert"; every other status is an event with an
effective date (see :mod:`lpr_geo.register`).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Status codes as stored in the register (stable, English) with German labels."""

    MEMBER = "member"
    COMMITTED = "committed"
    IN_TALKS = "in_talks"
    REQUESTED = "requested"
    DECLINED = "declined"
    LEFT = "left"
    NOT_CONTACTED = "not_contacted"

    @property
    def label(self) -> str:
        """German label as shown to users."""
        return LABELS[self]

    @classmethod
    def from_label(cls, text: str) -> Status:
        """Parse a German label or a code, ignoring case and surrounding blanks."""
        wanted = " ".join(text.split()).casefold()
        for status in cls:
            if wanted in (status.value, status.label.casefold()):
                return status
        shown = text if len(text) <= 60 else text[:59] + "…"  # a cell can be thousands of characters long
        raise ValueError(f"unbekannter Status {shown!r}; erlaubt: {', '.join(s.label for s in cls)}")


LABELS: dict[Status, str] = {
    Status.MEMBER: "Mitglied",
    Status.COMMITTED: "Mitarbeit zugesagt",
    Status.IN_TALKS: "Im Gespräch",
    Status.REQUESTED: "Angefragt",
    Status.DECLINED: "Kein Interesse",
    Status.LEFT: "Ausgetreten",
    Status.NOT_CONTACTED: "Nicht kontaktiert",
}

#: Statuses a register event may set (NOT_CONTACTED is the absence of events).
EVENT_STATUSES: tuple[Status, ...] = tuple(s for s in Status if s is not Status.NOT_CONTACTED)
