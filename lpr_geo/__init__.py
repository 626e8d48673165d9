"""lpr-geo: coverage of the crime-prevention network of the State of Brandenburg.

The public API is chosen here; the web app (:mod:`dashboard`) imports only these names (and the wording
module :mod:`lpr_geo.vocabulary`). Every name is loaded on first use, so ``import lpr_geo`` stays cheap
for the command line, which needs only a few of them.

Settings and words
------------------
Settings : the resolved settings of an installation (one typed table, see :mod:`lpr_geo.settings`).
SettingsError : a setting with a value that cannot be used (German message).
load_settings : resolve flags > environment > TOML file > defaults.
DEFAULT_IMPORT_MAX_MB : largest member file an import reads, unless configured.
Status : status codes of a region in a network, with German labels.
EVENT_STATUSES : the statuses a status event may set.
Memo : bounded cache with one computation per key at a time.

Boundaries
----------
Boundaries : one boundary dataset, opened: layers, metadata, token, derived lookups.
load_layer : one layer of a dataset directory (the bundled one by default), read from its file.
dataset_info : summary of a dataset (``lpr-geo geodata info``).
bundled_dir : directory of the dataset shipped with the package.
LEVELS : the administrative levels of a dataset (land, kreis, amt, gemeinde).
LODS : the levels of detail of the geometry.

Coverage engine
---------------
Layers : the layers the engine works on, with precomputed lookups.
load_layers : the engine's layers of a :class:`Boundaries`, built once per dataset.
PARTICIPANT_LEVELS : the levels a network participant can have.
CoverageOptions : rule settings of the coverage.
CoverageTables : coverage of every region of every level on one date.
coverage_tables : join the layers with a network's status on a date.
prepare_events : check and key status events once for many dates.
tables_on : coverage tables on one date from prepared events.
CoverageFigures : key figures statewide and per Kreis.
RegionFigures : key figures of one area.
coverage_figures : the key figures of coverage tables.
coverage_series : members and covered Gemeinden per month since the founding.
find_gaps : regions not yet in the network, ranked by an explained priority.
PriorityWeights : the weights and windows of that priority.
PRIORITY_PARTS : the parts the priority sums, by column.
priority_key : the one-line German key of the priority shown above the list.
GAP_TABLE : the gap list's columns with their German headers (for every writer).
gap_table : the gap list as it is written: German columns, reasons, groups.
gap_csv : the gap list as CSV (UTF-8 with BOM, semicolons, German numbers).
gap_xlsx : the gap list as XLSX.
grid_values : the gap list's values for a grid (typed, not formatted).
population_wording : the one German sentence on how much of the population the network reaches.
Route : a visit route with its legs.
Suggestion : a gap near a route, worth a stop.
MAX_STOPS : most stops of a route.
plan_route : visit order and distances.
resolve_place : a place (region key or "potsdam") for routes.
nearby_gaps : gaps near a route.
too_many_stops : the German message for a route over :data:`MAX_STOPS`.

Register
--------
DEFAULT_NETWORK : name of the network every register starts with (AG 4).
ACTIVITY_KINDS : kinds of activities (Besuch, Telefonat, Sitzung, E-Mail).
SAMPLE_FACTS : which entries of the sample register are public facts.
Network : a network row of the register.
RegisterError : a register operation failed (German message).
InvalidInput : a form value is invalid; nothing was written.
StaleEdit : the record changed since the form was loaded.
ImportReport : what a member import found and did.
open_register : open (and check) the register the settings name.
ensure_sample_register : open the register, filling the embedded default with the sample.
fill_sample : fill an empty register with the sample data.
register_holds_sample : whether the register still holds the sample register.
recreate_sample : put the sample register back (empty or sample register only).
SampleRegisterError : a change would mix real data into the sample register.
networks : names of all networks.
founding_dates : the day each network's history starts.
network_overview : all networks with description and founding date.
add_network : add a network.
rename_network : rename a network (its history stays).
MAX_NETWORK_NAME_LENGTH : longest network name.
status_events : all status events, as the engine reads them.
last_contacts : the latest activity per region.
status_changes : the status changes of a network in a period, with the status before.
region_history : status history of one region.
region_activities : all activities of one region, newest first (no personal data).
revision : token of the register's state (cache key).
current_status : a region's current status as the editor shows it.
set_status : record a status with its effective date.
add_activity : record an activity (idempotent per form key).
correct_activity : correct a recorded activity.
delete_activity : delete a recorded activity.
followups : the open next steps that are due (Wiedervorlage).
FollowUp : one due next step.
open_followup : the activity whose next step is still open for a region.
save_contact : add or change a contact person.
delete_contact : delete a contact person.
contacts_for : the contact persons of a region (editors only).
audit_entries : the audit trail, filtered (admins only).
audit_regions : the region each audit entry is about, by name.
import_members : read a member file, all or nothing.
export_members : write the register as a member file.
ImportStaging : the staged import of the admin upload: stage, check, apply exactly the checked rows.
NotChecked : an upload applied before it was checked.
StagingGone : an upload that is no longer there (applied, discarded or expired).
ReadLimits : what reading one imported file may cost (size, rows, cells).
SUFFIXES : the file endings a member file may have.
level_of_key : the level a region key belongs to, by its length.
neutralise : a cell text that spreadsheets do not run as a formula.
regions : the region index of a dataset (lookup by key and name).
normalise_name : the comparison form of a region name (case, umlauts, hyphens, "Landkreis" ...).

Users and logins
----------------
User : a dashboard user (no password hash).
ROLES : the roles, least privileged first.
has_role : whether a user holds a role.
require_role : the permission check every writing or personal-data operation makes.
PermissionDenied : the user's role does not allow the operation.
AuthError : a user or login operation failed.
LoginBlocked : too many failed logins for a name or address.
MIN_PASSWORD_LENGTH : shortest password accepted.
authenticate : check a login, rate-limited.
SessionLifetime : how long a login lasts.
open_session : start a server-side login session.
session_user : the user of a session token, if it is still valid.
end_session : end a session.
get_user : one account by name.
list_users : all accounts.
add_user : add an account.
set_role : change an account's role.
set_password : set a new password (ends the account's sessions).
activate_user : reactivate an account.
deactivate_user : deactivate an account (ends its sessions).

Personal data (DSGVO)
---------------------
PersonQuery : a person asked for by e-mail address or name.
MAX_QUERY_CHARS : longest query accepted.
disclose : the access report (Art. 15), recorded in the audit trail.
person_overview : what is stored about a person, counted.
ACCESS_SECTIONS : the parts of the access report, with their German titles.
plan_erasure : what an erasure would remove, for review.
erase_person : erase a person's data everywhere, in one transaction (Art. 17).
due_contacts : contact records due under the retention period.
zip_bytes : the access report as one ZIP (JSON and HTML).
"""

from __future__ import annotations

import importlib

#: Each public name and the module that defines it.
_HOMES: dict[str, str] = {
    **dict.fromkeys(
        ["Settings", "SettingsError", "load_settings", "DEFAULT_IMPORT_MAX_MB"], "lpr_geo.settings"
    ),
    **dict.fromkeys(["Status", "EVENT_STATUSES"], "lpr_geo.status"),
    "Memo": "lpr_geo.memo",
    **dict.fromkeys(
        ["Boundaries", "load_layer", "dataset_info", "bundled_dir", "LEVELS", "LODS"], "lpr_geo.boundaries"
    ),
    **dict.fromkeys(
        [
            "Layers",
            "load_layers",
            "PARTICIPANT_LEVELS",
            "CoverageOptions",
            "CoverageTables",
            "coverage_tables",
            "prepare_events",
            "tables_on",
            "CoverageFigures",
            "RegionFigures",
            "coverage_figures",
            "coverage_series",
            "find_gaps",
            "PriorityWeights",
            "priority_key",
            "population_wording",
            "Route",
            "Suggestion",
            "MAX_STOPS",
            "plan_route",
            "resolve_place",
            "nearby_gaps",
            "too_many_stops",
        ],
        "lpr_geo.coverage",
    ),
    **dict.fromkeys(
        [
            "DEFAULT_NETWORK",
            "ACTIVITY_KINDS",
            "SAMPLE_FACTS",
            "Network",
            "RegisterError",
            "InvalidInput",
            "StaleEdit",
            "ImportReport",
            "open_register",
            "ensure_sample_register",
            "fill_sample",
            "register_holds_sample",
            "recreate_sample",
            "SampleRegisterError",
            "networks",
            "founding_dates",
            "add_network",
            "status_events",
            "last_contacts",
            "status_changes",
            "current_status",
            "set_status",
            "add_activity",
            "correct_activity",
            "delete_activity",
            "save_contact",
            "delete_contact",
            "contacts_for",
            "audit_entries",
            "audit_regions",
            "import_members",
            "export_members",
            "ImportStaging",
            "NotChecked",
            "StagingGone",
        ],
        "lpr_geo.register",
    ),
    "ReadLimits": "lpr_geo.spreadsheets",
    **dict.fromkeys(
        ["GAP_TABLE", "gap_table", "gap_csv", "gap_xlsx", "grid_values"], "lpr_geo.coverage.gap_table"
    ),
    "SUFFIXES": "lpr_geo.register.tabular",
    "level_of_key": "lpr_geo.register.regions",
    **dict.fromkeys(
        [
            "PersonQuery",
            "MAX_QUERY_CHARS",
            "disclose",
            "person_overview",
            "plan_erasure",
            "erase_person",
            "due_contacts",
            "zip_bytes",
        ],
        "lpr_geo.privacy",
    ),
    **dict.fromkeys(
        ["network_overview", "rename_network", "MAX_NETWORK_NAME_LENGTH"], "lpr_geo.register.networks"
    ),
    **dict.fromkeys(["region_history", "region_activities", "revision"], "lpr_geo.register.history"),
    **dict.fromkeys(["followups", "FollowUp", "open_followup"], "lpr_geo.register.followups"),
    "neutralise": "lpr_geo.register.tabular",
    **dict.fromkeys(["regions", "normalise_name"], "lpr_geo.register.regions"),
    **dict.fromkeys(
        [
            "User",
            "ROLES",
            "has_role",
            "require_role",
            "PermissionDenied",
            "AuthError",
            "LoginBlocked",
            "MIN_PASSWORD_LENGTH",
            "authenticate",
            "SessionLifetime",
            "open_session",
            "session_user",
            "end_session",
            "get_user",
            "list_users",
            "add_user",
            "set_role",
            "set_password",
            "activate_user",
            "deactivate_user",
        ],
        "lpr_geo.auth",
    ),
}

#: Public names that differ from their name at home: public name -> (module, name there).
_RENAMED: dict[str, tuple[str, str]] = {
    "ACCESS_SECTIONS": ("lpr_geo.privacy.access", "SECTIONS"),
    "PRIORITY_PARTS": ("lpr_geo.coverage.priority", "PARTS"),
}

__all__ = sorted([*_HOMES, *_RENAMED])


def __getattr__(name: str) -> object:
    """Load a public name from its module on first use (PEP 562)."""
    home, there = _RENAMED.get(name, (_HOMES.get(name), name))
    if home is None:
        raise AttributeError(f"module 'lpr_geo' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), there)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
