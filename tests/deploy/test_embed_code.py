"""Embedding: the iframe code and the content security policy that decides who may frame what."""

from dashboard.embed import embed_query, snippet
from dashboard.security_headers import content_security_policy


def test_embed_query_keeps_view_parameters_only():
    dashboard_query = "?ebene=amt&kreis=12062&region=12062124&stopps=12062124&stand=2024-01-01"
    query = embed_query(dashboard_query, legend=False)
    assert query == "?ebene=amt&kreis=12062&stand=2024-01-01&legende=0"
    code = snippet("https://karte.example/lpr-karte/embed" + query)
    assert code.startswith('<iframe src="https://karte.example/lpr-karte/embed?ebene=amt&amp;kreis=12062')
    assert 'title="' in code


def test_csp_frames_only_where_allowed():
    policy = content_security_policy(["'sha256-abc'"], ["https://intranet.example"])
    assert "frame-ancestors https://intranet.example" in policy
    assert "script-src 'self' 'sha256-abc'" in policy
    assert "unsafe-eval" not in policy and "http:" not in policy.replace("https://intranet", "")
