"""Every text column of the register is known to access and erasure: a new one cannot be forgotten."""

from sqlalchemy import String, Text

from lpr_geo.privacy.fields import AUDIT_VALUES, CONTACT_FIELDS, FREE_TEXT, NOT_PERSONAL_TEXT
from lpr_geo.register.models import Base


def test_every_text_column_is_classified():
    text_columns = {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text)
    }
    known = {("contacts", name) for name in CONTACT_FIELDS} | {("audit", name) for name in AUDIT_VALUES}
    for classified in (FREE_TEXT, NOT_PERSONAL_TEXT):
        known |= {(table, column) for table, columns in classified.items() for column in columns}
    assert text_columns == known
