"""Where the project's files live, in one place so tests can point everything at a temp folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The pinned CC0 release of the city's simplified stadsdel boundaries (see README).
OFFICIAL_BOUNDARIES_URL = (
    "https://raw.githubusercontent.com/KTHHealthData/stockholm-stadsdelar/"
    "d52d2d07e1f008f24b0644f26dc04c777f7cfe19/geojson/simplified/stadsdelar.geo.json"
)
OFFICIAL_BOUNDARIES_SHA256 = "fda1827771f247766363e84aa50b648b2c4a0ce28cff912a4880e56303499613"

YEARS = tuple(range(2012, 2026))
BASELINE_YEAR = 2014
PROGRAMME_START = 2015


@dataclass(frozen=True)
class Paths:
    """File locations; `SAMMANHALLEN_DB` moves only the database (used by tests and benchmarks)."""

    root: Path = PROJECT_ROOT

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def db_path(self) -> Path:
        override = os.environ.get("SAMMANHALLEN_DB")
        return Path(override) if override else self.data_dir / "sammanhallen.duckdb"

    @property
    def geo_dir(self) -> Path:
        """The shipped maps (official boundaries, built by `python -m lib.cli make-map`)."""
        return self.root / "geo"

    @property
    def stadsdel_geo(self) -> Path:
        return self.geo_dir / "stadsdelar.geojson"

    @property
    def deso_geo(self) -> Path:
        return self.geo_dir / "deso.geojson"

    @property
    def water_geo(self) -> Path:
        return self.geo_dir / "vatten.geojson"

    @property
    def static_dir(self) -> Path:
        """Files the browser loads by address (`lib.static_files`), served by Streamlit at app/static/."""
        return self.root / "static"

    @property
    def glyphs_geo(self) -> Path:
        """The map labels' letter outlines (`lib.mapview.glyphs`)."""
        return self.geo_dir / "glyphs.json"

    @property
    def official_dir(self) -> Path:
        override = os.environ.get("SAMMANHALLEN_OFFICIAL_DIR")
        return Path(override) if override else self.data_dir / "official"

    @property
    def official_geo(self) -> Path:
        return self.official_dir / "stadsdelar.geojson"

    @property
    def secrets_file(self) -> Path:
        override = os.environ.get("SAMMANHALLEN_SECRETS")
        return Path(override) if override else self.root / ".streamlit" / "secrets.toml"

    @property
    def shared_dir(self) -> Path:
        return self.root.parent / "shared"
