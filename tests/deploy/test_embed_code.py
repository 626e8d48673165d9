"""Embedding: what the "Einbetten" dialog offers and the content security policy that decides who may frame."""

import datetime as dt
import json

from dashboard.browser_input import KnownValues
from dashboard.embed import SharedView, dialog_layout, frame_note, snippet
from dashboard.security_headers import content_security_policy

TODAY = dt.date(2026, 12, 1)
KNOWN = KnownValues(
    ("Netz A", "Netz B"),
    {"12062": "kreis", "12062124": "gemeinde", "12062092": "gemeinde"},
    frozenset({"12062"}),
    TODAY,
    {"Netz A": dt.date(2016, 1, 1), "Netz B": dt.date(2020, 1, 1)},
)


def test_shared_view_carries_view_and_route_but_no_selection_or_detail():
    dashboard_query = (
        "?netz=Netz+B&ebene=amt&kreis=12062&region=12062124&auswahl=12062092&stopps=12062124&stand=2024-01-01"
    )
    shared = SharedView.of(dashboard_query, KNOWN)
    assert shared.map == "?netz=Netz+B&ebene=amt&kreis=12062&stand=2024-01-01&stopps=12062124"
    assert shared.embed(legend=False) == shared.map + "&legende=0"
    assert shared.embed(legend=True) == shared.map
    # the dashboard's own link keeps everything it can reproduce
    assert shared.link == (
        "?netz=Netz+B&ebene=amt&kreis=12062&stand=2024-01-01&region=12062124&auswahl=12062092&stopps=12062124"
    )
    # defaults stay out, what is not valid is dropped; the embed without parameters is the default view
    assert SharedView.of("?ebene=gemeinde&kreis=99999&stand=kaputt", KNOWN).map == ""
    assert SharedView.of("", KNOWN).embed(legend=False) == "?legende=0"


def test_snippet_holds_frame_and_sizing_script():
    code = snippet(
        "https://karte.example/lpr-karte/embed?ebene=amt&kreis=12062",
        "https://karte.example/lpr-karte/embed.js",
    )
    assert code.startswith('<iframe src="https://karte.example/lpr-karte/embed?ebene=amt&amp;kreis=12062')
    assert 'title="' in code and "data-lpr-geo-karte" in code
    assert code.endswith('<script src="https://karte.example/lpr-karte/embed.js" async></script>')


def test_dialog_says_when_no_other_page_may_frame_the_map():
    for only_the_app in (("'self'",), ("'none'",)):
        note = frame_note(only_the_app)
        assert "LPR_GEO_FRAME_ANCESTORS" in note and "Intranetseite" in note
        assert "LPR_GEO_FRAME_ANCESTORS" in json.dumps(
            dialog_layout(only_the_app).to_plotly_json(), default=str
        )
    allowed = ("'self'", "https://intranet.example")
    assert frame_note(allowed) is None
    assert "LPR_GEO_FRAME_ANCESTORS" not in json.dumps(dialog_layout(allowed).to_plotly_json(), default=str)


def test_csp_frames_only_where_allowed():
    policy = content_security_policy(["'sha256-abc'"], ["https://intranet.example"])
    assert "frame-ancestors https://intranet.example" in policy
    assert "script-src 'self' 'sha256-abc'" in policy
    assert "unsafe-eval" not in policy and "http:" not in policy.replace("https://intranet", "")
