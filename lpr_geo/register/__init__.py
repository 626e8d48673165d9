"""The network register: members, status history, contacts and activities in a real database.

The public API is chosen here; the coverage engine reads the register only through
:mod:`lpr_geo.register.queries`.
"""

from .backup import backup, restore
from .database import make_engine, normalise_url, open_register, register_session, upgrade
from .errors import ConflictError, RegisterError, SchemaOutdatedError
from .exporter import export_members
from .importer import ImportReport, Problem, import_members
from .models import (
    ACTIVITY_KINDS,
    DEFAULT_NETWORK,
    Activity,
    AuditEntry,
    Contact,
    Network,
    Participant,
    StatusEvent,
)
from .networks import add_network
from .queries import last_contacts, networks, status_events, status_on
from .sample import ensure_sample_register, fill_sample

__all__ = [
    "ACTIVITY_KINDS",
    "DEFAULT_NETWORK",
    "Activity",
    "AuditEntry",
    "ConflictError",
    "Contact",
    "ImportReport",
    "Network",
    "Participant",
    "Problem",
    "RegisterError",
    "SchemaOutdatedError",
    "StatusEvent",
    "add_network",
    "backup",
    "ensure_sample_register",
    "export_members",
    "fill_sample",
    "import_members",
    "last_contacts",
    "make_engine",
    "networks",
    "normalise_url",
    "open_register",
    "register_session",
    "restore",
    "status_events",
    "status_on",
    "upgrade",
]
