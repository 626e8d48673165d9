"""Personal values stay out of error messages, and so out of every log that records them."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from lpr_geo.register.models import Contact


def test_a_failed_statement_does_not_show_its_values(register):
    with pytest.raises(IntegrityError) as failed, register.begin() as connection:
        connection.execute(
            insert(Contact).values(
                participant_id=999, name="Erika Muster", email="erika@example.org", version=1
            )
        )
    message = str(failed.value)
    assert "INSERT INTO contacts" in message  # the statement is still there to debug with
    assert "erika@example.org" not in message and "Erika Muster" not in message
