"""The committed Brandenburg layers: counts, keys, nesting, areas, simplification quality."""

import numpy as np
import pytest
import shapely

from geodata.build_bundled import EXPECTED
from lpr_geo.boundaries import LODS, checks, load_layer, read_dataset
from lpr_geo.boundaries.schema import METRIC_CRS, columns_of


@pytest.fixture(scope="module")
def dataset():
    return read_dataset()


def test_counts_per_level():
    assert {lvl: len(load_layer(lvl)) for lvl in EXPECTED["counts"]} == {
        "land": 1,
        "kreis": 18,
        "amt": 200,
        "gemeinde": 417,
    }


def test_kreis_types_and_amt_types():
    kreise = load_layer("kreis")
    assert kreise["bez"].value_counts().to_dict() == {"Landkreis": 14, "Kreisfreie Stadt": 4}
    amt = load_layer("amt")
    assert amt["bez"].value_counts().to_dict() == {"Amtsfreie Gemeinde": 148, "Amt": 52}


@pytest.mark.parametrize("level", ["land", "kreis", "amt", "gemeinde"])
def test_schema_is_stable(level):
    frame = load_layer(level, "land")
    assert list(frame.columns) == [*columns_of(level), "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert frame["key"].is_unique and frame["key"].is_monotonic_increasing


def test_every_gemeinde_references_existing_kreis_and_amt():
    gem = load_layer("gemeinde")
    assert set(gem["kreis_key"]) <= set(load_layer("kreis")["key"])
    amt_keys = set(load_layer("amt")["key"])
    assert set(gem["verwaltung_key"]) <= amt_keys
    assert set(gem["amt_key"].dropna()) <= amt_keys
    # Gemeinden in an Amt: 269 gemeinschaftsangehörige Gemeinden in 52 Ämtern (2016)
    assert gem["amt_key"].notna().sum() == 269
    assert gem["amt_key"].dropna().nunique() == 52


def test_every_gemeinde_lies_inside_its_kreis():
    gem = load_layer("gemeinde").to_crs(METRIC_CRS)
    kreise = load_layer("kreis").to_crs(METRIC_CRS).set_index("key").geometry
    parents = kreise.loc[gem["kreis_key"]].values
    inside = shapely.area(shapely.intersection(gem.geometry.values, parents)) / gem.area.values
    assert inside.min() > 0.999


def test_gemeinden_add_up_to_their_kreis():
    gem = load_layer("gemeinde")
    kreise = load_layer("kreis").set_index("key")
    sums = gem.groupby("kreis_key")["area_km2"].sum()
    ratio = sums / kreise["area_km2"]
    assert np.allclose(ratio, 1, atol=0.001)


def test_total_area_matches_official_figure():
    total = load_layer("land")["area_km2"].sum()
    assert abs(total / 29_654 - 1) < 0.005


def test_area_is_computed_in_utm33():
    gem = load_layer("gemeinde")
    recomputed = gem.to_crs(METRIC_CRS).area / 1e6
    assert np.allclose(recomputed, gem["area_km2"], rtol=1e-4)


def test_kreis_areas_match_destatis():
    kreise = load_layer("kreis")
    assert kreise["area_official_km2"].notna().all()
    deviation = (kreise["area_km2"] / kreise["area_official_km2"] - 1).abs()
    assert deviation.max() < 0.01
    assert kreise["population"].sum() == 2_511_917  # Destatis, 31.12.2018


@pytest.mark.parametrize("level", ["kreis", "amt", "gemeinde"])
@pytest.mark.parametrize("lod", list(LODS))
def test_each_level_of_detail_is_a_valid_coverage_with_areas_kept(dataset, level, lod):
    frame = dataset.layers[level]
    geoms = frame[LODS[lod].column].values
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)
    full = frame.geometry.to_crs(METRIC_CRS).area.values
    simplified = frame.set_geometry(LODS[lod].column).geometry.to_crs(METRIC_CRS).area.values
    assert np.abs(simplified / full - 1).max() < 0.01


def test_simplification_error_below_one_pixel(dataset):
    report = checks.simplification_report(dataset)
    assert report["land"]["hausdorff_max_m"] < report["land"]["pixel_m"]
    assert report["kreis"]["hausdorff_max_m"] < report["kreis"]["pixel_m"]
    # the overview is much lighter than the full geometry
    assert (
        report["land"]["vertices"]
        < 0.5 * shapely.get_num_coordinates(dataset.layers["gemeinde"].geometry.values).sum()
    )


def test_all_checks_pass_on_committed_dataset(dataset):
    assert checks.run_all(dataset, expected=EXPECTED) == []


def test_checks_detect_a_broken_dataset(dataset):
    broken = read_dataset()
    gem = broken.layers["gemeinde"]
    gem.loc[gem.index[0], "kreis_key"] = "12099"
    gem.loc[gem.index[1], "key"] = gem.loc[gem.index[2], "key"]
    shifted = shapely.affinity.translate(gem.loc[gem.index[3], "geometry_land"], xoff=0.02)
    gem.loc[gem.index[3], "geometry_land"] = shifted
    found = {p.check for p in checks.run_all(broken, expected=EXPECTED)}
    assert {"references", "keys", "coverage"} <= found


def test_label_points_lie_inside(dataset):
    for frame in dataset.layers.values():
        points = shapely.points(frame["label_lon"], frame["label_lat"])
        assert shapely.contains(frame.geometry.values, points).all()


def test_neighbours_are_symmetric_and_share_a_border():
    gem = load_layer("gemeinde").set_index("key")
    for key, neighbours in gem["neighbours"].items():
        for other in neighbours:
            assert key in gem.at[other, "neighbours"]
    # Elsterwerda borders Bad Liebenwerda (12062024); Potsdam borders Werder (Havel) (12069656)
    assert "12062024" in gem.at["12062124", "neighbours"]
    assert "12069656" in gem.at["12054000", "neighbours"]
    kreise = load_layer("kreis").set_index("key")
    assert list(kreise.at["12052", "neighbours"]) == ["12071"]  # Cottbus lies within Spree-Neiße


def test_elsterwerda_and_potsdam():
    gem = load_layer("gemeinde").set_index("key")
    elsterwerda = gem.loc["12062124"]
    assert elsterwerda["name"] == "Elsterwerda"
    assert elsterwerda["kreis_key"] == "12062"
    assert load_layer("kreis").set_index("key").at["12062", "name"] == "Elbe-Elster"
    potsdam = gem.loc["12054000"]
    assert potsdam["name"] == "Potsdam" and potsdam["kreisfrei"]
    assert load_layer("kreis").set_index("key").at["12054", "bez"] == "Kreisfreie Stadt"
