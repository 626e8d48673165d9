"""Component ids, in one place so layout, callbacks and browser tests agree."""

URL = "url"  # the map page's location: the view state lives in its query string
PAGE_URL = "seiten-adresse"  # the frame's location: its path names the page (dashboard/pages.py)
PAGE = "seite"  # the frame's container of that page
PAGE_LINKS = "seiten-links"  # the header's links, those of the page shown
CONTENT = "inhalt"  # <main> of each page; target of the skip link
VIEW = "ansicht"  # dcc.Store with the current ViewState (mirrors the URL)
SCOPE = "ansicht-umfang"  # dcc.Store: network, date, level, Kreis; changes only when one of them does
DRAWN = "karte-gezeichnet"  # which (level, Kreis) geometry the map currently holds
DEFERRED_WATCH = "teile-beobachtet"  # output of the watcher that loads the parts below the map

NETWORK = "netzwerk"
LEVEL = "ebene"  # pattern-matching id type of the level buttons
CONTROL_MESSAGE = "eingabe-hinweis"
KREIS = "kreis"
DATE = "stand"
SEARCH = "suche"
SEARCH_HITS = "suche-treffer"
SEARCH_HIT = "suchtreffer"  # pattern-matching id type of each hit button
SAMPLE_BANNER = "beispiel-hinweis"
LEVEL_TITLE = "ebene-titel"  # names the group of level buttons
ATTRIBUTION = "namensnennung"  # the boundary data's attribution in the footer

MAP = "karte"
MAP_SECTION = "karte-bereich"
LEGEND = "legende"
MAP_SUMMARY = "karten-zusammenfassung"
MAP_TABLE = "karten-tabelle"
DETAIL = "detail"
ADD_REGION_TO_ROUTE = "detail-zur-route"
CARDS = "kennzahlen"
KREIS_BARS = "kreis-balken"
KREIS_GRID = "kreis-tabelle"
KREISE_TITLE = "kreise"  # heading of the Kreis overview, a target of the header's links

GAPS_TITLE = "luecken"  # heading of the gap list, a target of the header's links
GAPS_GRID = "luecken-tabelle"
GAPS_QUICK_FILTER = "luecken-suche"
GAPS_CSV = "luecken-csv"
GAPS_XLSX = "luecken-xlsx"
GAPS_DOWNLOAD = "luecken-download"
GAPS_TO_ROUTE = "luecken-zur-route"
GAPS_POPULATION_NOTE = "luecken-einwohner"
GAPS_KEY = "luecken-legende"  # the one-line key of the priority above the grid
GAPS_WITH_DECLINED = "luecken-mit-abgelehnten"

ROUTE_TITLE = "besuchsplanung"  # heading of the visit planning, a target of the header's links
ROUTE_RESULT = "route-ergebnis"
ROUTE_CLEAR = "route-leeren"
ROUTE_PRINT = "route-drucken"
ROUTE_PDF = "route-pdf"
ROUTE_EXPORT = "route-export"
ROUTE_DOWNLOAD = "route-download"

TIMELINE = "entwicklung"
TIMELINE_TITLE = "entwicklung-titel"  # a target of the header's links
REPORT_SINCE = "bericht-seit"
REPORT_LINK = "bericht-pdf"
REPORT_NOTE = "bericht-hinweis"

# -- embedding and exports (issue 7): the "Einbetten / Export" dialog of the page header
EMBED_DIALOG = "einbetten"
EMBED_SNIPPET = "einbetten-code"
EMBED_LEGEND = "einbetten-legende"
EMBED_DOWNLOADS = "einbetten-downloads"
EMBED_FRAME_NOTE = "einbetten-hinweis"  # why an intranet page may not show the embed yet
SHARE_LINK = "ansicht-link"  # the link to the current view
SHARE_COPY = "ansicht-link-kopieren"
SHARE_COPIED = "ansicht-link-kopiert"

# -- editing (issue 8)
LOGIN_STATUS = "anmeldung"
EDITOR = "bearbeiten"  # container of the editor panel, filled for editors only
EDIT_SAVED = "bearbeiten-gespeichert"  # dcc.Store: bumped after each save, refreshes the detail panel
EDIT_VERSION = "status-version"  # dcc.Store: participant version the status form was loaded with
STATUS_VALUE = "status-wert"
STATUS_DATE = "status-datum"
STATUS_NOTE = "status-notiz"
STATUS_SAVE = "status-speichern"
#: ConfirmDialogProvider: remove the sample register and save the status as the first real entry
STATUS_SAVE_REMOVING_SAMPLE = "status-speichern-beispiel-entfernen"
STATUS_MESSAGE = "status-meldung"
ACTIVITY_KIND = "aktivitaet-art"
ACTIVITY_DATE = "aktivitaet-datum"
ACTIVITY_PLACE = "aktivitaet-ort"
ACTIVITY_OUTCOME = "aktivitaet-ergebnis"
ACTIVITY_NEXT_STEP = "aktivitaet-naechster-schritt"
ACTIVITY_DUE = "aktivitaet-faellig"
ACTIVITY_SAVE = "aktivitaet-speichern"
ACTIVITY_MESSAGE = "aktivitaet-meldung"
CONTACTS = "kontaktpersonen"
# -- end editing
# -- activities as a history, Wiedervorlage (issue 16, items 3-4): every output id written by their
# callbacks is in editor_view.EDITING_OUTPUTS
ACTIVITY_KEY = "aktivitaet-schluessel"  # dcc.Store: idempotency key of the form, new after each save
ACTIVITY_LOADED = "aktivitaet-geladen"  # dcc.Store: {"id", "version"} of the activity corrected; None: new
ACTIVITY_MODE = "aktivitaet-modus"  # line above the form: a new activity or which one is corrected
ACTIVITY_CANCEL = "aktivitaet-abbrechen"
ACTIVITY_DELETE = "aktivitaet-loeschen"  # shown while correcting: deletes the loaded activity
ACTIVITY_CORRECT = "aktivitaet-korrigieren"  # pattern-matching id type of each listed activity's button
ACTIVITIES = "aktivitaeten"  # the detail's list of a region's activities
FOLLOWUPS = "wiedervorlage"  # the Wiedervorlage card of the map page, filled for editors only
FOLLOWUPS_TITLE = "wiedervorlage-titel"  # its heading, a target of the header's link
FOLLOWUPS_BADGE = "wiedervorlage-anzahl"  # the count in the header's link (editors only)
# -- end activities
# -- contact persons (issue 8, item 3): every output id here is in editor_view.EDITING_OUTPUTS
CONTACTS_LIST = "kontakt-liste"  # container of the contacts table, refreshed after each change
CONTACT_EDIT = "kontakt-bearbeiten"  # pattern-matching id type of each row's edit button
CONTACT_DELETE = "kontakt-loeschen"  # pattern-matching id type of each row's delete button (with version)
CONTACT_LOADED = "kontakt-geladen"  # dcc.Store: {"id", "version"} of the contact in the form; None: new
CONTACT_MODE = "kontakt-modus"  # line above the form: a new contact or which one is being changed
CONTACT_NAME = "kontakt-name"
CONTACT_ROLE = "kontakt-funktion"
CONTACT_ORGANISATION = "kontakt-organisation"
CONTACT_EMAIL = "kontakt-email"
CONTACT_PHONE = "kontakt-telefon"
CONTACT_SAVE = "kontakt-speichern"
CONTACT_CANCEL = "kontakt-abbrechen"
CONTACT_MESSAGE = "kontakt-meldung"
CONTACT_PENDING = "kontakt-loeschen-vorgemerkt"  # dcc.Store: {"id", "version"} awaiting confirmation
CONTACT_CONFIRM = "kontakt-loeschen-frage"  # confirmation box, hidden unless a delete is pending
CONTACT_CONFIRM_TEXT = "kontakt-loeschen-text"
CONTACT_CONFIRM_YES = "kontakt-loeschen-ja"
CONTACT_CONFIRM_NO = "kontakt-loeschen-nein"
CONTACT_DELETE_MESSAGE = "kontakt-loeschen-meldung"
# -- end contact persons
# -- admin area (issue 8): containers of the parts of the Verwaltung page (dashboard/pages.py)
ADMIN_TITLE = "verwaltung"
ADMIN_AUDIT = "verwaltung-protokoll"  # Änderungsprotokoll (dashboard/views/audit_view.py)
ADMIN_DATA = "verwaltung-daten"  # register import and export (dashboard/views/data_view.py)
ADMIN_ACCOUNTS = "verwaltung-konten"  # user accounts (dashboard/views/accounts_view.py)
ADMIN_NETWORKS = "verwaltung-netzwerke"  # networks (dashboard/views/networks_view.py)
# accounts: every plain output id below is in accounts_view.ADMIN_OUTPUTS
ACCOUNTS_TITLE = "konten-titel"
NEW_ACCOUNT_TITLE = "neues-konto-titel"
NETWORKS_TITLE = "netzwerke-titel"
NEW_NETWORK_TITLE = "neues-netzwerk-titel"
ACCOUNTS_LOAD = "konten-laden"  # dcc.Store whose first (initial) callback fills the list
ACCOUNTS_LIST = "konten-liste"  # container of the accounts table, refreshed after each change
ACCOUNTS_MESSAGE = "konten-meldung"  # outcome of a row's role change, deactivation or reactivation
ACCOUNT_ROLE = "konto-rolle"  # pattern-matching id type of each row's role dropdown
ACCOUNT_ROLE_SAVE = "konto-rolle-speichern"  # pattern-matching id type of each row's "Rolle ändern"
ACCOUNT_ACTIVE = "konto-aktiv"  # pattern-matching id type of each row's Deaktivieren / Reaktivieren
ACCOUNT_PASSWORD = "konto-passwort"  # pattern-matching id type of each row's "Neues Passwort"
PASSWORD_FORM = "passwort-formular"  # hidden until a row's "Neues Passwort" chose an account
PASSWORD_FOR = "passwort-konto"  # dcc.Store: the account the password form is for
PASSWORD_TITLE = "passwort-titel"
PASSWORD_NEW = "passwort-neu"
PASSWORD_REPEAT = "passwort-wiederholung"
PASSWORD_SAVE = "passwort-speichern"
PASSWORD_CANCEL = "passwort-abbrechen"
PASSWORD_MESSAGE = "passwort-meldung"
NEW_ACCOUNT_NAME = "neues-konto-name"
NEW_ACCOUNT_ROLE = "neues-konto-rolle"
NEW_ACCOUNT_PASSWORD = "neues-konto-passwort"
NEW_ACCOUNT_REPEAT = "neues-konto-wiederholung"
NEW_ACCOUNT_SAVE = "neues-konto-anlegen"
NEW_ACCOUNT_MESSAGE = "neues-konto-meldung"
# networks: every plain output id below is in networks_view.ADMIN_OUTPUTS
NETWORKS_LOAD = "netzwerke-laden"  # dcc.Store whose first (initial) callback fills the list
NETWORKS_LIST = "netzwerke-liste"  # container of the networks list, refreshed after each change
NETWORK_RENAME = "netzwerk-umbenennen"  # pattern-matching id type of each network's "Umbenennen"
NEW_NETWORK_NAME = "neues-netzwerk-name"
NEW_NETWORK_DESCRIPTION = "neues-netzwerk-beschreibung"
NEW_NETWORK_SAVE = "neues-netzwerk-anlegen"
NEW_NETWORK_MESSAGE = "neues-netzwerk-meldung"
RENAME_FORM = "umbenennen-formular"  # hidden until a network's "Umbenennen" chose one
RENAME_FOR = "umbenennen-netzwerk"  # dcc.Store: the network being renamed
RENAME_TITLE = "umbenennen-titel"
RENAME_NAME = "umbenennen-name"
RENAME_SAVE = "umbenennen-speichern"
RENAME_CANCEL = "umbenennen-abbrechen"
RENAME_MESSAGE = "umbenennen-meldung"
# Änderungsprotokoll (audit_view): every output of its callbacks is in audit_view.ADMIN_OUTPUTS
AUDIT_TITLE = "protokoll-titel"
AUDIT_USER = "protokoll-benutzer"
AUDIT_USERS = "protokoll-benutzer-liste"  # <datalist> of the names in the trail
AUDIT_TABLE = "protokoll-bereich"
AUDIT_SINCE = "protokoll-von"
AUDIT_UNTIL = "protokoll-bis"
AUDIT_TEXT = "protokoll-text"
AUDIT_REFRESH = "protokoll-aktualisieren"
AUDIT_MESSAGE = "protokoll-meldung"  # German messages on the date fields
AUDIT_COUNT = "protokoll-anzahl"
AUDIT_GRID = "protokoll-tabelle"
AUDIT_MORE = "protokoll-weitere"  # "Weitere laden": the next 200 entries
AUDIT_PAGE = "protokoll-seite"  # dcc.Store: paging state of the loaded entries
# register import and export (data_view): every output of its server callbacks is in data_view.ADMIN_OUTPUTS
DATA_TITLE = "daten-titel"  # heading of the register import and export card
DATA_EXPORT_CSV = "register-export-csv"
DATA_EXPORT_XLSX = "register-export-xlsx"
DATA_DOWNLOAD = "register-download"
DATA_UPLOAD = "register-upload"
DATA_UPLOAD_REFUSED = "register-upload-abgelehnt"  # written in the browser: a file over the size limit
DATA_FILE = "register-datei"  # dcc.Store: token of the uploaded file kept on the server
DATA_FILE_INFO = "register-datei-info"
DATA_CHECK = "register-pruefen"
DATA_APPLY = "register-uebernehmen"
DATA_REPORT = "register-bericht"
DATA_SAMPLE_CHOICE = "register-beispiel"  # shown while the register holds the sample register
DATA_APPLY_REMOVING_SAMPLE = (
    "register-beispiel-entfernen"  # apply, removing the sample in the same transaction
)
# Datenschutz (privacy_view): access, erasure, retention review; every plain id written by its callbacks
# is in privacy_view.ADMIN_OUTPUTS
ADMIN_PRIVACY = "verwaltung-datenschutz"
PRIVACY_TEXT = "datenschutz-suchtext"  # an e-mail address (holds "@") or a name
PRIVACY_SEARCH = "datenschutz-suchen"
PRIVACY_FOUND = "datenschutz-person"  # dcc.Store: the request the shown result is for
PRIVACY_RESULT = "datenschutz-ergebnis"  # what is stored, in counts
PRIVACY_EXPORT = "datenschutz-auskunft"  # "Auskunft herunterladen"
PRIVACY_DOWNLOAD = "datenschutz-download"
PRIVACY_ERASE = "datenschutz-loeschen"  # "Löschen…": asks first
PRIVACY_PENDING = "datenschutz-vorgemerkt"  # dcc.Store: the request awaiting confirmation
PRIVACY_CONFIRM = "datenschutz-frage"  # confirmation box, hidden unless an erasure is pending
PRIVACY_CONFIRM_TEXT = "datenschutz-frage-text"
PRIVACY_CONFIRM_PLAN = "datenschutz-frage-plan"
PRIVACY_CONFIRM_YES = "datenschutz-loeschen-ja"
PRIVACY_CONFIRM_NAMES = "datenschutz-loeschen-mit-namen"  # erase and replace the name in free text too
PRIVACY_CONFIRM_NO = "datenschutz-loeschen-nein"
PRIVACY_MESSAGE = "datenschutz-meldung"
RETENTION_LOAD = "datenschutz-fristen-laden"  # dcc.Store whose change (re)fills the review list
RETENTION_LIST = "datenschutz-fristen"
RETENTION_ERASE = "datenschutz-frist-loeschen"  # pattern-matching id type of each due row's button
# -- end admin area
