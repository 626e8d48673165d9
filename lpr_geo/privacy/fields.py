"""Where the register can hold a contact person's values, column by column.

Access and erasure must find a person everywhere, so every text column of the register is named here
once, with what it is: a contact record, free text that people write (where a name, an e-mail address or
a phone number may turn up), the audit trail, or a column that never holds a contact person's values.
A test checks that no text column of :mod:`lpr_geo.register.models` is left out, so a new column cannot
be forgotten by the erasure.
"""

from __future__ import annotations

#: What an erased value is replaced with, in free text and in the audit trail.
PSEUDONYM = "[gelöscht]"
#: What another person's value is replaced with in an access report (Art. 15 (4) DSGVO).
OTHER_PERSON = "[andere Person]"

#: The fields of a contact record that describe the person (``participant_id`` only names the region).
CONTACT_FIELDS: tuple[str, ...] = ("name", "role", "organisation", "email", "phone")

#: Free text people write: searched for mentions of a person; an erased e-mail address or phone number is
#: replaced wherever it occurs in them.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "activities": ("place", "attendees", "outcome", "next_step"),
    "status_events": ("note",),
    "networks": ("description",),
}

#: Text columns that hold no contact person's values, and why.
NOT_PERSONAL_TEXT: dict[str, tuple[str, ...]] = {
    # official keys and names of regions
    "participants": ("level", "key", "name", "kreis_key"),
    # status code; created_by names the editor (kept: who changed the register, Art. 5 (2) DSGVO)
    "status_events": ("status", "created_by"),
    # request_key: a random idempotency key of the form that recorded the activity
    "activities": ("kind", "request_key"),
    "networks": ("name",),
    # editors' accounts: covered by access (their own data), never by a contact's erasure
    "users": ("name", "role", "password_hash"),
    "login_attempts": ("name", "address"),
    "login_sessions": ("token_hash",),
    # who changed which table and field; the values are handled as the audit trail's own
    "audit": ("changed_by", "table_name", "field"),
}
#: The audit trail's value columns: pseudonymised on erasure, searched on access.
AUDIT_VALUES: tuple[str, ...] = ("old_value", "new_value")
