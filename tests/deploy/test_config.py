"""Deployment settings: TOML file, environment precedence, validation and documentation."""

import re
from pathlib import Path

import pytest

from dashboard.config import DEPLOYMENT_SETTINGS, ConfigError, load, normalise_prefix
from dashboard.embed import embed_query, snippet
from dashboard.security_headers import content_security_policy

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_deployment_setting_is_documented_in_the_betrieb_section():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Betrieb") :]
    for setting in DEPLOYMENT_SETTINGS:
        assert f"`{setting.env}`" in section, setting.env


def test_toml_file_and_environment_precedence(tmp_path):
    config = tmp_path / "lpr-geo.toml"
    config.write_text(
        'url_prefix = "lpr-karte"\n'
        'frame_ancestors = ["https://intranet.example", "https://wiki.example:8443"]\n'
        'db_url = "postgresql+psycopg://lpr@db/lpr"\n'
        'login_mode = "proxy"\n',
        encoding="utf-8",
    )
    env = {"LPR_GEO_CONFIG": str(config), "LPR_GEO_DATA_DIR": str(tmp_path), "LPR_GEO_LOGIN_MODE": "local"}
    settings, deployment = load(env)
    assert deployment.url_prefix == "/lpr-karte/"
    assert deployment.frame_ancestors == ("https://intranet.example", "https://wiki.example:8443")
    assert deployment.login_mode == "local"  # the environment wins over the file
    assert settings.register_url == "postgresql+psycopg://lpr@db/lpr"
    assert settings.data_dir == tmp_path
    # command-line overrides win over both
    assert load(env, db_url="sqlite:///x.db")[0].register_url == "sqlite:///x.db"


def test_defaults_without_file(tmp_path):
    settings, deployment = load({"LPR_GEO_DATA_DIR": str(tmp_path)})
    assert deployment.url_prefix == "/"
    assert deployment.frame_ancestors == ("'self'",)
    assert deployment.login_mode == "none"
    assert deployment.secret_key is None
    assert settings.register_url.startswith("sqlite:///")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('url_prefx = "/x/"\n', "unbekannte Einstellung(en) url_prefx"),
        ('frame_ancestors = "intranet.example"\n', "ist kein Ursprung"),
        ('login_mode = "ldap"\n', "login_mode"),
        ('url_prefix = "/a b/"\n', "ungültiger Pfad"),
        ("url_prefix = \n", "kein gültiges TOML"),
        ("anonymous_access = false\n", "braucht login_mode local oder proxy"),
        ('anonymous_access = "vielleicht"\n', "weder true noch false"),
        ("session_idle_hours = 0\n", "session_idle_hours: »0« ist keine gültige Dauer"),
        ('session_max_hours = "zwölf"\n', "session_max_hours: »zwölf« ist keine gültige Dauer"),
        ("session_max_hours = 1e400\n", "ist keine gültige Dauer"),
    ],
)
def test_bad_configuration_names_the_problem(tmp_path, content, message):
    config = tmp_path / "bad.toml"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        load({"LPR_GEO_CONFIG": str(config)})
    if "TOML" in message or "unbekannte" in message:
        assert str(config) in str(info.value)


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="nicht lesbar"):
        load({"LPR_GEO_CONFIG": str(tmp_path / "missing.toml")})


def test_prefix_normalisation():
    assert normalise_prefix("") == "/"
    assert normalise_prefix("/lpr-karte") == "/lpr-karte/"
    assert normalise_prefix("intranet/lpr-karte/") == "/intranet/lpr-karte/"


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


def test_the_import_limit_reaches_the_register_settings(tmp_path):
    config = tmp_path / "lpr.toml"
    config.write_text("import_max_mb = 3\n", encoding="utf-8")
    settings, _ = load({"LPR_GEO_DATA_DIR": str(tmp_path), "LPR_GEO_CONFIG": str(config)})
    assert settings.import_max_mb == 3
    settings, _ = load({"LPR_GEO_DATA_DIR": str(tmp_path), "LPR_GEO_IMPORT_MAX_MB": "2,5"})
    assert settings.import_max_mb == 2.5


def test_session_lifetimes_default_to_8_and_12_hours_and_take_decimal_commas(tmp_path):
    _, deployment = load({"LPR_GEO_DATA_DIR": str(tmp_path)})
    assert (deployment.session_idle_hours, deployment.session_max_hours) == (8, 12)
    config = tmp_path / "lpr.toml"
    config.write_text("session_idle_hours = 0.5\nsession_max_hours = 4\n", encoding="utf-8")
    env = {"LPR_GEO_DATA_DIR": str(tmp_path), "LPR_GEO_CONFIG": str(config)}
    _, deployment = load(env)
    assert (deployment.session_idle_hours, deployment.session_max_hours) == (0.5, 4)
    _, deployment = load({**env, "LPR_GEO_SESSION_IDLE_HOURS": "1,5"})
    assert deployment.session_idle_hours == 1.5
