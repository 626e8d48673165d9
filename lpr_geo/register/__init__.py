"""The network register: members, status history, contacts and activities in a real database.

The public API is chosen here; the coverage engine reads the register only through
:mod:`lpr_geo.register.queries`.
"""

from .activity_edits import add_activity, correct_activity, delete_activity
from .audit_query import audit_entries, audit_regions
from .backup import backup, restore
from .contact_edits import delete_contact, save_contact
from .database import make_engine, normalise_url, open_register, register_session, upgrade
from .edits import Saved, Versions, participant_versions, record_version
from .errors import ConflictError, InvalidInput, RegisterError, SchemaOutdatedError, StaleEdit
from .exporter import export_members
from .followups import FollowUp, followups
from .import_report import ImportReport, Problem
from .importer import CheckedImport, apply_checked, check_members, count_changes, import_members
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
from .networks import add_network, founding_dates
from .personal import contacts_for
from .queries import last_contacts, networks, status_changes, status_events
from .sample import SAMPLE_FACTS, fill_sample
from .sample_switch import (
    SampleRegisterError,
    ensure_sample_register,
    recreate_sample,
    register_holds_sample,
)
from .staging import ImportStaging, NotChecked, StagingGone
from .status_edits import CurrentStatus, current_status, set_status

__all__ = [
    "ACTIVITY_KINDS",
    "DEFAULT_NETWORK",
    "SAMPLE_FACTS",
    "Activity",
    "AuditEntry",
    "CheckedImport",
    "ConflictError",
    "Contact",
    "CurrentStatus",
    "FollowUp",
    "ImportReport",
    "ImportStaging",
    "InvalidInput",
    "NotChecked",
    "Network",
    "Participant",
    "Problem",
    "RegisterError",
    "Saved",
    "SampleRegisterError",
    "SchemaOutdatedError",
    "StaleEdit",
    "StagingGone",
    "StatusEvent",
    "Versions",
    "add_activity",
    "add_network",
    "apply_checked",
    "audit_entries",
    "audit_regions",
    "backup",
    "check_members",
    "contacts_for",
    "correct_activity",
    "count_changes",
    "current_status",
    "delete_activity",
    "delete_contact",
    "ensure_sample_register",
    "export_members",
    "fill_sample",
    "followups",
    "founding_dates",
    "import_members",
    "last_contacts",
    "make_engine",
    "networks",
    "normalise_url",
    "open_register",
    "participant_versions",
    "record_version",
    "recreate_sample",
    "register_holds_sample",
    "register_session",
    "restore",
    "save_contact",
    "set_status",
    "status_changes",
    "status_events",
    "upgrade",
]
