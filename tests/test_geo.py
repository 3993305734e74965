"""Geometry: the shipped schematic map, and the import of the city's official boundaries."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from conftest import ROOT, SHARED
from lib import geo
from lib.cli import main as cli_main
from lib.config import OFFICIAL_BOUNDARIES_SHA256, Paths

SCHEMATIC = ROOT / "geo" / "stadsdelar.geojson"
REFERENCE = SHARED / "reference" / "geo"
needs_reference = pytest.mark.skipif(not REFERENCE.exists(), reason="../shared/reference/geo saknas")


@pytest.fixture(scope="module")
def schematic() -> gpd.GeoDataFrame:
    return gpd.read_file(SCHEMATIC)


def test_schematic_has_one_valid_polygon_per_area(schematic, areas):
    assert len(schematic) == 117
    assert sorted(schematic["code"]) == sorted(areas["code"])
    assert schematic.geometry.is_valid.all()
    assert set(schematic.geometry.geom_type) == {"Polygon"}
    assert schematic["schematic"].all()


def test_schematic_polygons_do_not_overlap(schematic):
    metric = schematic.to_crs(geo.METRIC_CRS)
    tree = shapely.STRtree(metric.geometry.values)
    left, right = tree.query(metric.geometry.values, predicate="intersects")
    geoms = metric.geometry.to_numpy()
    overlap = sum(geoms[i].intersection(geoms[j]).area for i, j in zip(left, right, strict=True) if i < j)
    assert overlap < 1.0  # m², i.e. shared edges only


def test_schematic_cells_contain_their_centres(schematic, areas):
    joined = schematic.merge(areas, on="code")
    for row in joined.itertuples():
        assert row.geometry.buffer(1e-4).contains(shapely.Point(row.lon, row.lat)), row.code


def test_schematic_file_is_small_and_not_the_reference(schematic):
    assert SCHEMATIC.stat().st_size <= 150 * 1024
    text = SCHEMATIC.read_text(encoding="utf-8")
    assert "RINKEBY" not in text
    if REFERENCE.exists():
        digest = hashlib.sha256(SCHEMATIC.read_bytes()).hexdigest()
        for ref in REFERENCE.glob("*.json"):
            assert hashlib.sha256(ref.read_bytes()).hexdigest() != digest


def test_schematic_map_is_reproducible_from_centroids(areas, schematic):
    made = geo.make_schematic_map(areas)
    assert len(made) == 117
    assert made.geometry.is_valid.all()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("RINKEBY", "rinkeby"),
        ("HÄSSELBY GÅRD", "hasselby-gard"),
        ("ULVSUNDA INDUSTRIOMR", "ulvsunda-industriomrade"),
        ("farsta  strand", "farsta-strand"),
        ("ATLANTIS", None),
        ("ULV", None),
    ],
)
def test_match_names(areas, name, expected):
    assert geo.match_names([name], areas).get(name) == expected


@needs_reference
def test_official_import_matches_all_and_keeps_areas(areas):
    frame, report = geo.import_boundaries(REFERENCE / "stadsdelar.geo.json", areas)
    assert report.matched == 117
    assert report.unmatched_features == []
    assert report.missing_areas == []
    assert frame.geometry.is_valid.all()
    km2 = geo.geodesic_area_km2(frame)
    joined = frame.assign(km2=km2.to_numpy()).merge(areas, on="code")
    prog = set(pd.read_csv(ROOT / "data" / "programme_selection.csv")["name"])
    for row in joined[joined["name_x"].isin(prog)].itertuples():
        assert row.km2 == pytest.approx(row.area_km2, rel=0.05), row.name_x


@needs_reference
def test_official_import_reads_geopackage_in_the_city_crs(tmp_path, areas):
    src = gpd.read_file(REFERENCE / "stadsdelar_simplified.geo.json").to_crs("EPSG:3011")
    src = src.rename(columns={"name": "NAMN"})
    gpkg = tmp_path / "stadsdelar.gpkg"
    src.to_file(gpkg, driver="GPKG")
    frame, report = geo.import_boundaries(gpkg, areas)
    assert report.matched == 117
    assert "3011" in report.source_crs
    assert frame.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = frame.total_bounds
    assert 17.7 < minx < maxx < 18.3 and 59.2 < miny < maxy < 59.5


@needs_reference
def test_official_import_reports_unmatched_and_repairs(tmp_path, areas):
    src = gpd.read_file(REFERENCE / "stadsdelar_simplified.geo.json")
    bowtie = shapely.Polygon([(18.0, 59.30), (18.01, 59.31), (18.01, 59.30), (18.0, 59.31)])
    extra = gpd.GeoDataFrame({"name": ["ATLANTIS", "RINKEBY"]}, geometry=[bowtie, bowtie], crs=src.crs)
    path = tmp_path / "mixed.geojson"
    pd.concat([src[src["name"] != "RINKEBY"], extra]).to_file(path, driver="GeoJSON")
    frame, report = geo.import_boundaries(path, areas)
    assert report.unmatched_features == ["ATLANTIS"]
    assert report.repaired >= 1
    assert frame.geometry.is_valid.all()


def test_download_offline_gives_a_clear_swedish_message(tmp_path):
    with pytest.raises(geo.GeoError, match="Kunde inte hämta gränsfilen"):
        geo.download("http://127.0.0.1:9/stadsdelar.geojson", tmp_path / "x.geojson", None, timeout=2)
    assert not (tmp_path / "x.geojson").exists()


def test_download_rejects_a_wrong_checksum(tmp_path):
    src = tmp_path / "src.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8")
    with pytest.raises(geo.GeoError, match="Kontrollsumman"):
        geo.download(src.as_uri(), tmp_path / "out.geojson", OFFICIAL_BOUNDARIES_SHA256)
    assert not (tmp_path / "out.geojson").exists()


@needs_reference
def test_pinned_checksum_is_the_reference_file(tmp_path):
    out = geo.download(
        (REFERENCE / "stadsdelar_simplified.geo.json").as_uri(), tmp_path / "o.json", OFFICIAL_BOUNDARIES_SHA256
    )
    assert out.exists()


@needs_reference
def test_cli_fetch_from_file_switches_the_app_to_official(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAMMANHALLEN_OFFICIAL_DIR", str(tmp_path / "official"))
    assert cli_main(["fetch-boundaries", str(REFERENCE / "stadsdelar.geo.json")]) == 0
    assert "117 av 117" in capsys.readouterr().out
    paths = Paths()
    b = geo.load_boundaries(paths.schematic_geo, paths.official_geo)
    assert b.kind == "official"
    assert cli_main(["info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["geometry"] == "official"


def test_cli_fetch_offline_fails_and_keeps_the_schematic_map(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAMMANHALLEN_OFFICIAL_DIR", str(tmp_path / "official"))
    assert cli_main(["fetch-boundaries", "http://127.0.0.1:9/x.geojson", "--timeout", "2"]) == 1
    assert "schematiska kartan" in capsys.readouterr().err
    paths = Paths()
    assert geo.load_boundaries(paths.schematic_geo, paths.official_geo).kind == "schematic"


def test_district_outlines_and_labels(schematic):
    outlines = geo.district_outlines(schematic)
    assert len(outlines) == 14
    labels = geo.label_points(schematic)
    assert len(labels) == 117 and labels[["lon", "lat"]].notna().all().all()
