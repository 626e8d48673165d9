"""Settings: one table feeds the environment parsing and the README."""

from pathlib import Path

from lpr_geo.settings import SETTINGS, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented_in_readme():
    text = README.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env}`" in text, setting.env


def test_environment_and_overrides(tmp_path):
    env = {"LPR_GEO_DATA_DIR": str(tmp_path), "LPR_GEO_DB": "postgresql+psycopg://u@h/db"}
    assert Settings.from_env(env).register_url == "postgresql+psycopg://u@h/db"
    assert Settings.from_env(env, db_url="sqlite:///x.db").register_url == "sqlite:///x.db"
    embedded = Settings.from_env({"LPR_GEO_DATA_DIR": str(tmp_path)})
    assert embedded.register_url == f"sqlite:///{tmp_path / 'register.sqlite'}"
