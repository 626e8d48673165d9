"""Settings: one table feeds the loader, the validation, ``lpr-geo settings`` and the README."""

import re
from dataclasses import fields
from pathlib import Path

import pytest

from lpr_geo.settings import (
    SETTINGS,
    Settings,
    SettingsError,
    load_settings,
    markdown_table,
    normalise_prefix,
)

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_table_is_the_generated_one():
    assert markdown_table() in README.read_text(encoding="utf-8"), (
        "README's settings table differs from `lpr-geo settings --markdown`"
    )


def test_every_field_is_a_documented_setting():
    settable = {f.name for f in fields(Settings)} - {"config_file", "sources"}
    assert settable == {s.name for s in SETTINGS}
    for setting in SETTINGS:
        assert setting.env.startswith("LPR_GEO_") and setting.help.endswith((".", ")")), setting


def test_flags_win_over_environment_over_file_over_defaults(tmp_path):
    config = tmp_path / "lpr-geo.toml"
    config.write_text(
        'url_prefix = "lpr-karte"\n'
        'frame_ancestors = ["https://intranet.example", "https://wiki.example:8443"]\n'
        'db_url = "postgresql+psycopg://lpr@db/lpr"\n'
        'login_mode = "proxy"\n',
        encoding="utf-8",
    )
    env = {"LPR_GEO_CONFIG": str(config), "LPR_GEO_DATA_DIR": str(tmp_path), "LPR_GEO_LOGIN_MODE": "local"}
    settings = load_settings(environ=env)
    assert settings.url_prefix == "/lpr-karte/"
    assert settings.frame_ancestors == ("https://intranet.example", "https://wiki.example:8443")
    assert settings.login_mode == "local" and settings.source("login_mode") == "LPR_GEO_LOGIN_MODE"
    assert settings.register_url == "postgresql+psycopg://lpr@db/lpr"
    assert settings.source("db_url") == f"{config}, db_url"
    assert settings.data_dir == tmp_path
    assert settings.cookie_secure is True and settings.source("cookie_secure") == "Voreinstellung"
    flagged = load_settings({"db_url": "sqlite:///x.db"}, env, flag_names={"db_url": "--db"})
    assert flagged.register_url == "sqlite:///x.db" and flagged.source("db_url") == "--db"
    assert flagged.describe_register() == "Register: sqlite:///x.db (--db)"


def test_defaults_without_file(tmp_path):
    settings = load_settings(environ={"XDG_DATA_HOME": str(tmp_path)})
    assert settings.data_dir == tmp_path / "lpr-geo"
    assert settings.url_prefix == "/" and settings.frame_ancestors == ("'self'",)
    assert settings.login_mode == "none" and settings.secret_key is None
    assert settings.register_url == f"sqlite:///{tmp_path / 'lpr-geo' / 'register.sqlite'}"
    assert settings.describe_register().endswith("(eingebettet, Voreinstellung)")


def test_a_password_in_the_database_url_is_never_shown(tmp_path):
    settings = load_settings(environ={"LPR_GEO_DB": "postgresql+psycopg://lpr:geheim@db/lpr"})
    assert "geheim" not in settings.describe_register()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('url_prefx = "/x/"\n', "unbekannte Einstellung(en) url_prefx"),
        ('frame_ancestors = "intranet.example"\n', "frame_ancestors: »intranet.example« ist kein Ursprung"),
        ('login_mode = "ldap"\n', "login_mode: »ldap« ist keiner von none, local, proxy"),
        ('url_prefix = "/a b/"\n', "url_prefix: ungültiger Pfad"),
        ("url_prefix = \n", "kein gültiges TOML"),
        ("anonymous_access = false\n", "braucht login_mode local oder proxy"),
        ('anonymous_access = "vielleicht"\n', "anonymous_access: »vielleicht« ist weder true noch false"),
        ('db_url = "kein url"\n', "db_url: »kein url« ist keine Datenbank-URL"),
        ("import_max_mb = 0\n", "import_max_mb: »0« ist keine gültige Größe"),
        ("session_idle_hours = 0\n", "session_idle_hours: »0« ist keine gültige Dauer"),
        ('session_max_hours = "zwölf"\n', "session_max_hours: »zwölf« ist keine gültige Dauer"),
        ("session_max_hours = 1e400\n", "ist keine gültige Dauer"),
    ],
)
def test_bad_configuration_names_the_setting_and_the_file(tmp_path, content, message):
    config = tmp_path / "bad.toml"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match=re.escape(message)) as info:
        load_settings(environ={"LPR_GEO_CONFIG": str(config)})
    if "anonymous_access = false" not in content:
        assert str(config) in str(info.value)


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(SettingsError, match=r"^LPR_GEO_TRUSTED_PROXIES: »proxy\.local« ist keine IP-Adresse"):
        load_settings(environ={"LPR_GEO_TRUSTED_PROXIES": "10.0.0.1, proxy.local"})


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="nicht lesbar"):
        load_settings(environ={"LPR_GEO_CONFIG": str(tmp_path / "missing.toml")})


def test_prefix_normalisation():
    assert normalise_prefix("") == "/"
    assert normalise_prefix("/lpr-karte") == "/lpr-karte/"
    assert normalise_prefix("intranet/lpr-karte/") == "/intranet/lpr-karte/"


def test_the_import_limit_comes_from_file_or_environment(tmp_path):
    config = tmp_path / "lpr.toml"
    config.write_text("import_max_mb = 3\n", encoding="utf-8")
    assert load_settings(environ={"LPR_GEO_CONFIG": str(config)}).import_max_mb == 3
    assert load_settings(environ={"LPR_GEO_IMPORT_MAX_MB": "2,5"}).import_max_mb == 2.5


def test_session_lifetimes_default_to_8_and_12_hours_and_take_decimal_commas(tmp_path):
    settings = load_settings(environ={})
    assert (settings.session_idle_hours, settings.session_max_hours) == (8, 12)
    config = tmp_path / "lpr.toml"
    config.write_text("session_idle_hours = 0.5\nsession_max_hours = 4\n", encoding="utf-8")
    env = {"LPR_GEO_CONFIG": str(config)}
    settings = load_settings(environ=env)
    assert (settings.session_idle_hours, settings.session_max_hours) == (0.5, 4)
    assert load_settings(environ={**env, "LPR_GEO_SESSION_IDLE_HOURS": "1,5"}).session_idle_hours == 1.5
