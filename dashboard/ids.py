"""Component ids, in one place so layout, callbacks and browser tests agree."""

URL = "url"
VIEW = "ansicht"  # dcc.Store with the current ViewState (mirrors the URL)
SCOPE = "ansicht-umfang"  # dcc.Store: network, date, level, Kreis; changes only when one of them does
DRAWN = "karte-gezeichnet"  # which (level, Kreis) geometry the map currently holds

NETWORK = "netzwerk"
LEVEL = "ebene"  # pattern-matching id type of the level buttons
CONTROL_MESSAGE = "eingabe-hinweis"
KREIS = "kreis"
DATE = "stand"
SEARCH = "suche"
SEARCH_HITS = "suche-treffer"
SEARCH_HIT = "suchtreffer"  # pattern-matching id type of each hit button
SAMPLE_BANNER = "beispiel-hinweis"

MAP = "karte"
LEGEND = "legende"
MAP_SUMMARY = "karten-zusammenfassung"
MAP_TABLE = "karten-tabelle"
DETAIL = "detail"
ADD_REGION_TO_ROUTE = "detail-zur-route"
CARDS = "kennzahlen"
KREIS_BARS = "kreis-balken"
KREIS_GRID = "kreis-tabelle"

GAPS_GRID = "luecken-tabelle"
GAPS_QUICK_FILTER = "luecken-suche"
GAPS_CSV = "luecken-csv"
GAPS_XLSX = "luecken-xlsx"
GAPS_DOWNLOAD = "luecken-download"
GAPS_TO_ROUTE = "luecken-zur-route"

ROUTE_STOPS = "route-stopps"
ROUTE_RESULT = "route-ergebnis"
ROUTE_CLEAR = "route-leeren"
ROUTE_PRINT = "route-drucken"
ROUTE_EXPORT = "route-export"
ROUTE_DOWNLOAD = "route-download"

TIMELINE = "entwicklung"
