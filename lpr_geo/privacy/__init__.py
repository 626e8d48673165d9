"""Personal data by the book (DSGVO): access, erasure and retention for the register's contact persons.

- :func:`disclose` makes the access report (Art. 15) and records that it was given;
  :mod:`.report` writes it as JSON plus a German HTML summary.
- :func:`plan_erasure` shows, :func:`erase_person` does the erasure (Art. 17), in one transaction,
  audit trail included, and on SQLite cleans the database files.
- :func:`due_contacts` lists contact records due under the retention period, for review.

Every function checks that a dashboard user acting is an admin; the command line names its caller.
"""

from .access import Disclosure, disclose, person_overview
from .erasure import Erasure, ErasurePlan, TextPlace, erase_person, plan_erasure
from .fields import PSEUDONYM
from .person import MAX_QUERY_CHARS, PersonQuery, normal_name
from .report import summary_html, write_report, zip_bytes
from .retention import DueContact, due_contacts

__all__ = [
    "MAX_QUERY_CHARS",
    "PSEUDONYM",
    "Disclosure",
    "DueContact",
    "Erasure",
    "ErasurePlan",
    "PersonQuery",
    "TextPlace",
    "disclose",
    "due_contacts",
    "erase_person",
    "normal_name",
    "person_overview",
    "plan_erasure",
    "summary_html",
    "write_report",
    "zip_bytes",
]
