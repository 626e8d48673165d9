"""A member Landkreis is named where it matters, and the legend says which coverage rule is in force."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from dashboard import palette
from dashboard.plotly_figures import hover_texts
from dashboard.services import Services
from dashboard.views.detail_view import _kreis_membership
from dashboard.views.map_view import _legend
from lpr_geo.boundaries import Boundaries
from lpr_geo.cli import main
from lpr_geo.register import DEFAULT_NETWORK, ensure_sample_register, fill_sample, make_engine, upgrade
from lpr_geo.settings import Settings

ON = dt.date(2026, 1, 1)
HAVELLAND = "12063"  # a member of the sample register since 15.04.2021
MEMBERSHIP = "Landkreis Havelland ist Mitglied seit 15.04.2021"


@pytest.fixture(scope="module", params=[False, True], ids=["kreis-covers-nothing", "kreis-covers-gemeinden"])
def services(request, tmp_path_factory) -> Services:
    boundaries = Boundaries.bundled()
    settings = Settings(data_dir=tmp_path_factory.mktemp("kreis"), kreis_covers_gemeinden=request.param)
    engine = ensure_sample_register(settings, boundaries)
    return Services(engine, boundaries, geometry_url=lambda level, kreis: "", settings=settings)


def _uncontacted_in_havelland(table):
    rows = table[(table["kreis_key"] == HAVELLAND) & (table["status"] == "not_contacted")]
    return rows.index[0]


def test_a_gemeinde_in_a_member_landkreis_says_so_unless_the_kreis_covers_it(services):
    covers = services.coverage_options.kreis_covers_gemeinden
    table = services.tables(DEFAULT_NETWORK, ON).gemeinde
    position = _uncontacted_in_havelland(table)
    text = hover_texts(services.geometry, table, "gemeinde", kreis_covers_gemeinden=covers)[position]
    detail = _kreis_membership(services, table.loc[position])
    if covers:
        assert "über Landkreis Havelland" in text and MEMBERSHIP not in text
        assert detail == []
    else:
        assert MEMBERSHIP in text and "Nicht kontaktiert" in text
        assert [p.children for p in detail] == [MEMBERSHIP]
    elsewhere = table[(table["kreis_key"] == "12062") & (table["status"] == "not_contacted")].index[0]
    assert "ist Mitglied seit" not in hover_texts(services.geometry, table, "gemeinde")[elsewhere]


def test_the_legend_wording_follows_the_rule_in_force(services):
    covers = services.coverage_options.kreis_covers_gemeinden
    table = services.tables(DEFAULT_NETWORK, ON).gemeinde
    legend = " ".join(str(item.children[1]) for item in _legend(table, covers))
    if covers:
        assert "Über Amt oder Kreis im Netzwerk" in legend
    else:
        assert "Über Amt im Netzwerk (" in legend and "Kreis im Netzwerk" not in legend
    assert palette.labels(covers)["covered_via"] in legend


def test_a_kreisfreie_stadt_has_no_kreis_line_and_no_kreis_number(services):
    table = services.tables(DEFAULT_NETWORK, ON).gemeinde
    cottbus = table.index[table["key"] == "12052000"][0]
    text = hover_texts(services.geometry, table, "gemeinde")[cottbus]
    assert "Kreis" not in text, text
    assert "Einwohner: " in text and "keine Gemeindezahl" not in text
    assert _kreis_membership(services, table.loc[cottbus]) == []


def test_lpr_geo_coverage_follows_the_setting(tmp_path):
    db = f"sqlite:///{tmp_path / 'r.sqlite'}"
    engine = make_engine(db)
    upgrade(engine)
    fill_sample(engine)
    engine.dispose()
    runner = CliRunner()
    covered = {}
    for value in ("false", "true"):
        result = runner.invoke(
            main,
            ["coverage", "--json", "--date", "2026-01-01", "--db", db],
            env={"LPR_GEO_KREIS_COVERS_GEMEINDEN": value},
        )
        assert result.exit_code == 0, result.output
        covered[value] = json.loads(result.stdout)["total"]["gemeinden_covered"]
    assert covered["true"] > covered["false"] > 0
