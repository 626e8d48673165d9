"""An opened boundary dataset keeps what it read, for itself: two datasets in one process never mix."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lpr_geo.auth import User
from lpr_geo.boundaries import Boundaries, bundled_dir, dataset_info, read_dataset
from lpr_geo.boundaries.active import activate, store_dataset
from lpr_geo.coverage import load_layers
from lpr_geo.register import make_engine, register_session, set_status, upgrade
from lpr_geo.register.models import Participant
from lpr_geo.register.regions import regions
from lpr_geo.settings import Settings

RENAMED = "Elbe-Elster (umbenannt)"


@pytest.fixture(scope="module")
def renamed_settings(tmp_path_factory) -> Settings:
    """An installation whose active dataset is the bundled one with one Kreis renamed."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("umbenannt"))
    dataset = read_dataset()
    kreise = dataset.layers["kreis"]
    kreise.loc[kreise["key"] == "12062", "name"] = RENAMED
    dataset.meta = {**dataset.meta, "name": "Testdaten mit umbenanntem Kreis"}
    activate(store_dataset(dataset, settings, "umbenannt"), settings)
    return settings


def test_the_active_dataset_is_opened_from_the_settings(renamed_settings, tmp_path):
    renamed = Boundaries.active(renamed_settings)
    assert renamed.directory.parent == Path(renamed_settings.data_dir, "geodata").resolve()
    assert Boundaries.active(Settings(data_dir=tmp_path)).directory == bundled_dir().resolve()
    assert renamed.info()["dataset"] == "Testdaten mit umbenanntem Kreis"
    assert renamed.info() == dataset_info(renamed.directory)
    assert renamed.token != Boundaries.bundled().token


def test_layers_and_derived_lookups_belong_to_their_dataset(renamed_settings):
    renamed, bundled = Boundaries.active(renamed_settings), Boundaries.bundled()
    name = {b: b.layer("kreis", "land").set_index("key").at["12062", "name"] for b in (renamed, bundled)}
    assert name == {renamed: RENAMED, bundled: "Elbe-Elster"}
    assert regions(renamed).kreis_name("12062") == RENAMED
    assert regions(bundled).kreis_name("12062") == "Elbe-Elster"
    layers = load_layers(renamed)
    assert load_layers(renamed) is layers and load_layers(bundled) is not layers  # built once per dataset
    assert layers.frames["kreis"].set_index("key").at["12062", "name"] == RENAMED


def test_a_layer_is_a_copy_callers_may_change():
    boundaries = Boundaries.bundled()
    frame = boundaries.layer("kreis", "land")
    frame["name"] = "x"
    assert (boundaries.layer("kreis", "land")["name"] != "x").all()
    with pytest.raises(ValueError, match="unknown level"):
        boundaries.layer("bundesland")


def test_an_edit_looks_its_region_up_in_the_dataset_it_is_given(renamed_settings, tmp_path):
    """No process-wide default dataset: the region of an edit comes from the boundaries passed."""
    engine = make_engine(f"sqlite:///{tmp_path / 'register.sqlite'}")
    upgrade(engine)
    renamed = Boundaries.active(renamed_settings)
    set_status(
        engine, User("erika", "editor"), "kreis", "12062", None, "requested", "01.06.2024", boundaries=renamed
    )
    set_status(engine, User("erika", "editor"), "kreis", "12061", None, "requested", "01.06.2024")
    with register_session(engine) as session:
        names = dict(session.execute(select(Participant.key, Participant.name)).all())
    assert names["12062"] == RENAMED  # the given dataset
    assert names["12061"] == "Dahme-Spreewald"  # without one: the bundled dataset, not the last one used
