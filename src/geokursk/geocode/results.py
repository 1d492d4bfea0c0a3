"""What a geocoding answer is: results, alternatives, area mentions, and their frame.

:class:`GeocodeResult` is the immutable answer for one name (status, place, score,
reason, the alternatives weighed); :class:`AreaMention` an area recognised in a
context text; :func:`results_frame` turns answers into a GeoDataFrame.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from geokursk.gazetteer import Place

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["Alternative", "AreaMention", "GeocodeResult", "Status", "results_frame"]

#: ``empty`` is given only by :func:`geokursk.tables.geocode_frame`, to a row whose cell
#: holds no name; :meth:`Geocoder.geocode` raises on an empty name instead.
Status = Literal["resolved", "ambiguous", "unresolved", "empty"]


@dataclass(frozen=True)
class Alternative:
    """A candidate that was considered and not chosen, with why."""

    place: Place
    score: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used by the CLI (name, lat, lon, admin1, score...)."""
        return {
            "name": self.place.name,
            "name_latin": self.place.name_latin,
            "id": self.place.id,
            "lat": self.place.lat,
            "lon": self.place.lon,
            "country_code": self.place.country_code,
            "admin1": self.place.admin1,
            "admin2": self.place.admin2,
            "score": round(self.score, 1),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class AreaMention:
    """An administrative area recognised in context text."""

    text: str
    start: int
    end: int
    level: str  # "country", "admin1", "admin2"
    places: tuple[Place, ...]
    #: The area is where a movement comes from ("from the Kursk region", «с территории
    #: Курской области», «з окупованої частини Запорізької області»): the places of the
    #: sentence lie elsewhere, usually next door.
    origin: bool = False

    @property
    def label(self) -> str:
        """Display name of the recognised area(s)."""
        return " / ".join(dict.fromkeys(p.name_latin for p in self.places))


@dataclass(frozen=True)
class GeocodeResult:
    """The answer for one query.

    Attributes
    ----------
    query : str
        The name as given.
    status : {"resolved", "ambiguous", "unresolved"}
        ``resolved`` only when one eligible place clearly wins.
    place : Place or None
        The chosen place (None unless resolved).
    score : float
        0-100: name similarity plus context and co-mention evidence.
    reason : str
        Short human-readable explanation.
    alternatives : tuple of Alternative
        Other candidates considered, best first.
    context : str or None
        The context text used.
    warnings : tuple of str
        Problems with the input that did not stop the answer, e.g. a context
        in which no country, region or district was recognised.
    """

    query: str
    status: Status
    place: Place | None
    score: float
    reason: str
    alternatives: tuple[Alternative, ...] = ()
    context: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def lat(self) -> float | None:
        """Latitude of the resolved place, else None."""
        return self.place.lat if self.place is not None and self.status == "resolved" else None

    @property
    def lon(self) -> float | None:
        """Longitude of the resolved place, else None."""
        return self.place.lon if self.place is not None and self.status == "resolved" else None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object of the CLI contract (``geokursk geocode --json``)."""
        p = self.place if self.status == "resolved" else None
        return {
            "query": self.query,
            "status": self.status,
            "lat": p.lat if p else None,
            "lon": p.lon if p else None,
            "name": p.name if p else None,
            "name_latin": p.name_latin if p else None,
            "name_ru": p.name_ru if p else None,
            "name_uk": p.name_uk if p else None,
            "id": p.id if p else None,
            "source": p.source if p else None,
            "feature_code": p.feature_code if p else None,
            "country_code": p.country_code if p else None,
            "admin1": p.admin1 if p else None,
            "admin2": p.admin2 if p else None,
            "score": round(self.score, 1),
            "reason": self.reason,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "warnings": list(self.warnings),
        }

    def __repr__(self) -> str:
        where = f" -> {self.place!r}" if self.place is not None else ""
        return f"GeocodeResult({self.query!r}, {self.status}{where}, score={self.score:.1f})"


# --- frames -------------------------------------------------------------------


def results_frame(results: Sequence[GeocodeResult]) -> gpd.GeoDataFrame:
    """Build the EPSG:4326 GeoDataFrame of geocoding results (pure function).

    Parameters
    ----------
    results : sequence of GeocodeResult

    Returns
    -------
    geopandas.GeoDataFrame
        One row per result, in order: ``query``, ``status``, ``name`` (as
        the source writes it), ``name_latin``, ``name_cyrillic`` (see
        :attr:`geokursk.gazetteer.Place.name_cyrillic`), ``name_ru``,
        ``name_uk``, ``id``, ``source``, ``feature_code``, ``country_code``,
        ``admin1``, ``admin2``, ``lat``, ``lon``, ``score``, ``reason``,
        ``alternatives`` (JSON text) and ``geometry``.  Unresolved,
        ambiguous and empty rows keep their place with no geometry and no
        place columns.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    rows = []
    geoms = []
    for r in results:
        d = r.to_dict()
        d["alternatives"] = json.dumps(d["alternatives"], ensure_ascii=False)
        d["name_cyrillic"] = r.place.name_cyrillic if r.place and r.status == "resolved" else None
        rows.append(d)
        # shapely points are (x=lon, y=lat)
        geoms.append(Point(r.lon, r.lat) if r.lat is not None and r.lon is not None else None)
    columns = [
        "query",
        "status",
        "name",
        "name_latin",
        "name_cyrillic",
        "name_ru",
        "name_uk",
        "id",
        "source",
        "feature_code",
        "country_code",
        "admin1",
        "admin2",
        "lat",
        "lon",
        "score",
        "reason",
        "alternatives",
    ]
    import pandas as pd

    df = pd.DataFrame(rows, columns=columns)
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")
