"""Geometry: the shipped official maps (stadsdelar, water, DeSO), their build, and the import of newer boundaries."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from conftest import ROOT, SHARED
from lib import geo
from lib.cli import main as cli_main
from lib.config import OFFICIAL_BOUNDARIES_SHA256, Paths

PATHS = Paths()
REFERENCE = SHARED / "reference" / "geo"
needs_reference = pytest.mark.skipif(not REFERENCE.exists(), reason="../shared/reference/geo saknas")
needs_shared = pytest.mark.skipif(
    not all((PATHS.shared_dir / p).exists() for p in (geo.STADSDEL_SOURCE, geo.WATER_SOURCE, geo.DESO_SOURCE)),
    reason="referensfilerna i ../shared saknas",
)


@pytest.fixture(scope="module")
def shipped() -> gpd.GeoDataFrame:
    return gpd.read_file(PATHS.stadsdel_geo)


@pytest.fixture(scope="module")
def deso() -> gpd.GeoDataFrame:
    return gpd.read_file(PATHS.deso_geo)


@pytest.fixture(scope="module")
def water() -> gpd.GeoDataFrame:
    return gpd.read_file(PATHS.water_geo)


def test_shipped_map_has_one_valid_polygon_per_area(shipped, areas):
    assert len(shipped) == 117
    assert list(shipped["code"]) == list(areas["code"])
    assert list(shipped.columns) == ["code", "name", "district", "geometry"]
    assert shipped.geometry.is_valid.all()
    assert not shipped.geometry.is_empty.any()
    assert set(shipped.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert (shipped.merge(areas, on="code").pipe(lambda m: m["name_x"] == m["name_y"])).all()


def test_shipped_map_is_small_compact_and_rounded():
    text = PATHS.stadsdel_geo.read_text(encoding="utf-8")
    assert PATHS.stadsdel_geo.stat().st_size <= 150 * 1024
    assert "\n" not in text and ", " not in text.split('"features"')[1]
    data = json.loads(text)
    assert data["licence"] == "CC0 1.0" and "Stockholms stad" in data["source"]
    coords = shapely.get_coordinates(gpd.read_file(PATHS.stadsdel_geo).geometry.to_numpy())
    assert abs(coords - coords.round(5)).max() < 1e-9


def test_shipped_map_is_a_coverage_of_the_land(shipped, areas):
    """No overlaps or slivers between neighbours; land only, so never larger than the area with its water."""
    metric = shipped.to_crs(geo.METRIC_CRS)
    assert shapely.coverage_is_valid(metric.geometry.to_numpy())
    km2 = dict(zip(shipped["code"], geo.geodesic_area_km2(shipped), strict=True))
    for row in areas.itertuples():
        assert 0.2 * row.area_km2 < km2[row.code] <= 1.05 * row.area_km2, row.code
    assert 180 < sum(km2.values()) < 195  # Stockholm's land area is about 188 km²
    minx, miny, maxx, maxy = shipped.total_bounds
    assert 17.7 < minx < maxx < 18.3 and 59.2 < miny < maxy < 59.5


@needs_shared
def test_simplification_keeps_each_area(shipped):
    """The programme stadsdelar keep their size within 3 % of the city's (already web-simplified) source."""
    source = gpd.read_file(PATHS.shared_dir / geo.STADSDEL_SOURCE)
    source_km2 = dict(zip(source["name"].str.casefold(), geo.geodesic_area_km2(source), strict=True))
    km2 = geo.geodesic_area_km2(shipped)
    prog = set(pd.read_csv(ROOT / "data" / "programme_selection.csv")["name"])
    for name, area in zip(shipped["name"], km2, strict=True):
        if name in prog:
            assert area == pytest.approx(source_km2[name.casefold()], rel=0.03), name


def test_shipped_map_places_known_points(shipped):
    assert geo.point_in(shipped, 17.9280, 59.3885) == "rinkeby"  # Rinkeby torg
    assert geo.point_in(shipped, 18.0710, 59.3251) == "gamla-stan"  # Stortorget
    assert geo.point_in(shipped, 18.0450, 59.3225) is None  # Riddarfjärden: water, not land


def test_deso_file_has_544_unique_codes_only(deso):
    assert len(deso) == 544
    assert deso["code"].is_unique
    assert deso["code"].str.fullmatch(r"0180[A-C]\d{4}").all()
    assert list(deso.columns) == ["code", "geometry"]
    assert deso.geometry.is_valid.all() and not deso.geometry.is_empty.any()
    assert PATHS.deso_geo.stat().st_size <= 160 * 1024
    assert json.loads(PATHS.deso_geo.read_text(encoding="utf-8"))["licence"] == "CC0 1.0"


def test_water_is_one_small_background_polygon(water, shipped):
    assert len(water) == 1 and water.geometry.is_valid.all()
    assert PATHS.water_geo.stat().st_size <= 60 * 1024
    assert water.geometry.iloc[0].contains(shapely.Point(18.0450, 59.3225))  # Riddarfjärden
    minx, miny, maxx, maxy = shipped.total_bounds
    wx0, wy0, wx1, wy1 = water.total_bounds
    assert minx - 0.05 < wx0 and wx1 < maxx + 0.05 and miny - 0.03 < wy0 and wy1 < maxy + 0.03


@needs_shared
def test_shipped_maps_are_rebuilt_byte_for_byte(tmp_path, areas):
    sizes = geo.build_maps(PATHS.shared_dir, areas, tmp_path)
    assert set(sizes) == {"stadsdelar.geojson", "vatten.geojson", "deso.geojson"}
    for name in sizes:
        assert (tmp_path / name).read_bytes() == (PATHS.geo_dir / name).read_bytes(), name


@needs_shared
def test_build_refuses_a_source_that_does_not_match_the_areas(tmp_path, areas):
    src = gpd.read_file(PATHS.shared_dir / geo.STADSDEL_SOURCE)
    path = tmp_path / "s.geojson"
    src[src["name"] != "RINKEBY"].to_file(path, driver="GeoJSON")
    with pytest.raises(geo.GeoError, match="rinkeby"):
        geo.build_stadsdel_map(path, areas)


def test_cli_make_map_writes_the_three_maps_and_the_letters(tmp_path, monkeypatch, capsys):
    """The letters (geo/glyphs.json) only where the font is installed; otherwise the shipped file stays."""
    from lib.mapview import glyphs

    if not (PATHS.shared_dir / geo.STADSDEL_SOURCE).exists():
        pytest.skip("referensfilerna i ../shared saknas")
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("*.duckdb*", "official"))
    assert cli_main(["make-map", "--shared", str(PATHS.shared_dir)], paths=Paths(root)) == 0
    maps = ["deso.geojson", "stadsdelar.geojson", "vatten.geojson"]
    letters = ["glyphs.json"] if glyphs.FONT_FILE.exists() else []
    assert sorted(p.name for p in (root / "geo").iterdir()) == sorted(maps + letters)
    out = capsys.readouterr().out
    assert "stadsdelar.geojson" in out and ("glyphs.json" in out if letters else "fonts-dejavu-extra" in out)
    if letters:
        assert (root / "geo" / "glyphs.json").read_bytes() == (ROOT / "geo" / "glyphs.json").read_bytes()


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


@pytest.fixture
def boundary_cli(data_copy, tmp_path, monkeypatch):
    """Paths for running the CLI in this process on a private copy of data/ and the shipped map, with a database of
    its own (not built yet), an empty data/official/ and one editor whose password is in the environment."""
    import shutil

    from conftest import EDITOR, EDITOR_PASSWORD
    from lib import auth

    (data_copy.parent / "geo").mkdir()
    shutil.copyfile(PATHS.stadsdel_geo, data_copy.parent / "geo" / "stadsdelar.geojson")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(auth.toml_dumps({"editors": {EDITOR: auth.hash_password(EDITOR_PASSWORD)}}), encoding="utf-8")
    monkeypatch.setenv("SAMMANHALLEN_DB", str(tmp_path / "boundaries.duckdb"))
    monkeypatch.setenv("SAMMANHALLEN_OFFICIAL_DIR", str(tmp_path / "official"))
    monkeypatch.setenv("SAMMANHALLEN_SECRETS", str(secrets))
    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", EDITOR_PASSWORD)
    return Paths(root=data_copy.parent)


def _variant(tmp_path, name: str, change) -> str:
    """The shipped map, changed by `change(frame) -> frame`, written as a file in `tmp_path`."""
    frame = change(gpd.read_file(PATHS.stadsdel_geo))
    path = tmp_path / name
    frame.to_file(path, driver="GPKG" if name.endswith(".gpkg") else "GeoJSON")
    return str(path)


def _city_sized(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.assign(geometry=[shapely.union_all(frame.geometry.to_numpy()).convex_hull] * len(frame))


BAD_BOUNDARIES = {
    "half the stadsdelar": (lambda f: f.iloc[::2], "Bara 59 av 117 stadsdelar (50 %)"),
    "one city-sized polygon under every name": (_city_sized, "117 av 117 stadsdelar har en yta"),
    "degrees labelled EPSG:3857": (
        lambda f: f.set_crs("EPSG:3857", allow_override=True),
        "Gränserna ligger inte i Stockholm",
    ),
}


@pytest.mark.parametrize("case", list(BAD_BOUNDARIES))
def test_fetch_refuses_boundaries_that_are_not_the_city(boundary_cli, tmp_path, capsys, case):
    """Even for an editor: nothing is installed, the database is not touched, and the message says what failed."""
    from conftest import EDITOR

    change, message = BAD_BOUNDARIES[case]
    source = _variant(tmp_path, "gränser.geojson", change)
    code = cli_main(["fetch-boundaries", source, "--editor", EDITOR], boundary_cli)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("Fel: gränserna installerades inte") and message in err and "Inget ändrades" in err, err
    assert not boundary_cli.official_dir.exists() or not any(boundary_cli.official_dir.iterdir())
    assert not boundary_cli.db_path.exists()
    assert geo.load_boundaries(boundary_cli.stadsdel_geo, boundary_cli.official_geo).kind == "official"


def test_check_lists_every_failed_check_at_once(areas, shipped):
    """Degrees labelled as Web Mercator end up as one speck off Africa: wrong place and wrong sizes, both named; a
    file with a third of the stadsdelar, far away, fails all three checks."""
    wrong_crs = shipped.set_crs("EPSG:3857", allow_override=True)[["code", "geometry"]]
    problems = geo.check_boundaries(wrong_crs, areas, shipped)
    assert len(problems) == 2 and "inte i Stockholm" in problems[0] and "117 av 117" in problems[1]
    assert len(geo.check_boundaries(wrong_crs.iloc[::3], areas, shipped)) == 3
    assert geo.check_boundaries(shipped[["code", "geometry"]], areas, shipped) == []


@needs_reference
def test_check_accepts_the_citys_own_files_with_and_without_water(areas, shipped):
    for name in ("stadsdelar.geo.json", "stadsdelar_simplified.geo.json"):
        _, report = geo.import_boundaries(REFERENCE / name, areas, reference=shipped)
        assert report.problems == [] and report.matched == 117, (name, report.problems)


def _bad_prj(text: str):
    def write(tmp_path) -> str:
        gpd.read_file(PATHS.stadsdel_geo).to_file(tmp_path / "gränser.shp")
        (tmp_path / "gränser.prj").write_text(text, encoding="utf-8")
        return str(tmp_path / "gränser.shp")

    return write


@pytest.mark.parametrize(
    "make",
    [
        _bad_prj('PROJCS["trasig"]'),  # the reader cannot parse it
        _bad_prj('LOCAL_CS["ritning",UNIT["metre",1]]'),  # a local CRS: cannot be converted
        _bad_prj(
            'PROJCS["x",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
            'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Finns_inte"],UNIT["metre",1]]'
        ),
    ],
)
def test_fetch_refuses_an_unknown_crs_in_swedish(boundary_cli, tmp_path, capsys, make):
    from conftest import EDITOR

    code = cli_main(["fetch-boundaries", make(tmp_path), "--editor", EDITOR], boundary_cli)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("Fel: Koordinatsystemet i gränsfilen") and "Inget installerades" in err, err
    assert not boundary_cli.official_geo.exists()


def test_fetch_installs_for_an_editor_with_an_audit_row(boundary_cli, tmp_path, monkeypatch, capsys):
    import hashlib

    from conftest import EDITOR
    from lib import db

    source = _variant(tmp_path, "stadsdelar_2026.gpkg", lambda f: f.to_crs("EPSG:3011"))
    monkeypatch.delenv("SAMMANHALLEN_PASSWORD")
    anonymous = cli_main(["fetch-boundaries", source], boundary_cli)
    assert anonymous == 3 and "inloggad som redigerare" in capsys.readouterr().err
    assert not boundary_cli.official_geo.exists()

    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", "inte-det-lösenordet")
    assert cli_main(["fetch-boundaries", source, "--editor", EDITOR], boundary_cli) == 3
    assert not boundary_cli.official_geo.exists()

    from conftest import EDITOR_PASSWORD

    monkeypatch.setenv("SAMMANHALLEN_PASSWORD", EDITOR_PASSWORD)
    assert cli_main(["fetch-boundaries", source, "--editor", EDITOR], boundary_cli) == 0
    out = capsys.readouterr().out
    assert "117 av 117" in out and f"installerat av {EDITOR}" in out
    b = geo.load_boundaries(boundary_cli.stadsdel_geo, boundary_cli.official_geo)
    assert b.kind == "imported" and len(b.frame) == 117
    assert [p.name for p in boundary_cli.official_dir.iterdir()] == ["stadsdelar.geojson"]  # no temporary file left
    installed = boundary_cli.official_geo.read_bytes()

    assert cli_main(["fetch-boundaries", source, "--editor", EDITOR], boundary_cli) == 0  # again: the audit says
    with db.connect(boundary_cli.db_path, read_only=True) as con:  # what it replaced
        rows = db.query(con, "SELECT * FROM audit WHERE table_name = 'boundaries' ORDER BY id")
    assert rows["editor"].tolist() == [EDITOR, EDITOR] and set(rows["action"]) == {"installerade"}
    assert set(rows["record_id"]) == {"stadsdelar.geojson"}
    first, second = (json.loads(a) for a in rows["after"])
    assert first["source"] == "stadsdelar_2026.gpkg" and first["matched"] == 117 and first["areas"] == 117
    assert first["sha256"] == hashlib.sha256((tmp_path / "stadsdelar_2026.gpkg").read_bytes()).hexdigest()
    assert pd.isna(rows["before"].iloc[0])
    assert json.loads(rows["before"].iloc[1])["sha256"] == hashlib.sha256(installed).hexdigest()


@pytest.mark.parametrize("failure", ["audit row", "commit after the move"])
def test_an_install_whose_audit_fails_leaves_the_old_map(boundary_cli, tmp_path, monkeypatch, capsys, failure):
    """Both or neither: when the audit row cannot be written or committed – even after the new file was moved into
    place – the previously installed file is what the app finds."""
    import contextlib

    from conftest import EDITOR
    from lib import db

    boundary_cli.official_dir.mkdir()
    boundary_cli.official_geo.write_bytes(PATHS.stadsdel_geo.read_bytes())
    previous = boundary_cli.official_geo.read_bytes()

    audit, transaction = db._audit, db.transaction

    def broken_audit(cur, editor, table, *args):
        if table == "boundaries":
            raise db.DataError("Loggen kan inte skrivas.")
        audit(cur, editor, table, *args)

    @contextlib.contextmanager
    def failing_commit(con):
        with transaction(con) as cur:
            yield cur
            if boundary_cli.official_geo.read_bytes() != previous:  # the boundaries' transaction, file moved
                raise db.DataError("Loggen kan inte skrivas.")

    if failure == "audit row":
        monkeypatch.setattr(db, "_audit", broken_audit)
    else:
        monkeypatch.setattr(db, "transaction", failing_commit)
    source = _variant(tmp_path, "ny.geojson", lambda f: f.iloc[1:])  # 116 of 117: passes, differs from before
    assert cli_main(["fetch-boundaries", source, "--editor", EDITOR], boundary_cli) != 0
    assert "Loggen kan inte skrivas" in capsys.readouterr().err
    assert boundary_cli.official_geo.read_bytes() == previous
    assert [p.name for p in boundary_cli.official_dir.iterdir()] == ["stadsdelar.geojson"]


def test_cli_fetch_offline_fails_and_keeps_the_shipped_map(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAMMANHALLEN_OFFICIAL_DIR", str(tmp_path / "official"))
    assert cli_main(["fetch-boundaries", "http://127.0.0.1:9/x.geojson", "--timeout", "2", "--editor", "någon"]) == 2
    assert "medföljande officiella kartan" in capsys.readouterr().err
    paths = Paths()
    b = geo.load_boundaries(paths.stadsdel_geo, paths.official_geo)
    assert b.kind == "official" and not b.imported and len(b.frame) == 117


def test_a_broken_import_falls_back_to_the_shipped_map(tmp_path):
    broken = tmp_path / "stadsdelar.geojson"
    broken.write_text("{inte json", encoding="utf-8")
    b = geo.load_boundaries(PATHS.stadsdel_geo, broken)
    assert b.kind == "official" and b.refused == ("Filen kan inte läsas som stadsdelsgränser.",)


def test_boundaries_copied_by_hand_are_checked_like_an_install(tmp_path):
    """A file put into data/official/ without `fetch-boundaries` (half the stadsdelar here) is not shown as the
    official map: the shipped one is, and the reason is kept for the page to say."""
    half = gpd.read_file(PATHS.stadsdel_geo).iloc[::2]
    copied = tmp_path / "stadsdelar.geojson"
    half.to_file(copied, driver="GeoJSON")
    b = geo.load_boundaries(PATHS.stadsdel_geo, copied)
    assert b.kind == "official" and len(b.frame) == 117
    assert any("av 117 stadsdelar" in r and "minst 95 %" in r for r in b.refused), b.refused
    whole = tmp_path / "whole.geojson"
    gpd.read_file(PATHS.stadsdel_geo).to_file(whole, driver="GeoJSON")
    assert geo.load_boundaries(PATHS.stadsdel_geo, whole).imported


def test_district_outlines_borders_and_labels(shipped):
    outlines = geo.district_outlines(shipped)
    assert len(outlines) == 14
    borders = geo.district_borders(shipped)
    assert set(borders.geometry.geom_type) <= {"LineString", "MultiLineString"}
    pairs = set(zip(borders["district_a"], borders["district_b"], strict=True))
    assert ("Rinkeby-Kista", "Spånga-Tensta") in pairs and ("Bromma", "Farsta") not in pairs
    labels = geo.label_points(shipped)
    assert len(labels) == 117 and labels[["lon", "lat"]].notna().all().all()
    assert all(geo.point_in(shipped, r.lon, r.lat) == r.code for r in labels.itertuples())
