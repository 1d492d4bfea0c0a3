"""Shared fixtures: small synthetic claims frames shaped like ARCHITECTURE.md.

``make_claim_frames`` builds the two claims GeoDataFrames (``claims_frame`` and
``claim_places_frame`` shapes) from short dict specs, so map and export tests
do not need the geocoder or the shipped gazetteer. Other modules' fixtures
may be added below.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

PLACE_COLUMNS = [
    "claim_id",
    "claimant",
    "side",
    "claim_status",
    "place",
    "relation",
    "precision",
    "uncertainty_m",
    "geocode_status",
    "name",
    "name_latin",
    "name_ru",
    "name_uk",
    "admin1",
    "country_code",
    "lat",
    "lon",
    "score",
    "reason",
    "alternatives",
]

CLAIM_COLUMNS = [
    "claim_id",
    "claimant",
    "claimant_person",
    "side",
    "outlet",
    "channel",
    "claim_date",
    "claim_date_precision",
    "event_start",
    "event_end",
    "published",
    "original_published",
    "paraphrase",
    "key_phrases",
    "figures_text",
    "figures",
    "claim_status",
    "corroborated_by",
    "disputed_by",
    "responses",
    "extent",
    "n_places",
    "n_unresolved",
]

_RADIUS = {
    "settlement": 2_000.0,
    "near_settlement": 5_000.0,
    "district": 15_000.0,
    "region": 60_000.0,
    "country": 200_000.0,
}

ClaimFrames = tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]


def _place_row(claim: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    resolved = spec.get("lat") is not None
    precision = spec.get("precision", "settlement")
    return {
        "claim_id": claim["claim_id"],
        "claimant": claim.get("claimant", "GUR"),
        "side": claim.get("side", "Ukraine"),
        "claim_status": claim.get("claim_status", "claimed"),
        "place": spec["place"],
        "relation": spec.get("relation", "near"),
        "precision": precision,
        "uncertainty_m": _RADIUS.get(precision, 5_000.0),
        "geocode_status": spec.get("geocode_status", "resolved" if resolved else "unresolved"),
        "name": spec.get("name_ru", spec["place"]) if resolved else None,
        "name_latin": spec.get("name_latin", spec["place"]) if resolved else None,
        "name_ru": spec.get("name_ru") if resolved else None,
        "name_uk": spec.get("name_uk") if resolved else None,
        "admin1": spec.get("admin1", "Kursk Oblast") if resolved else None,
        "country_code": spec.get("country_code", "RU") if resolved else None,
        "lat": float(spec["lat"]) if resolved else math.nan,
        "lon": float(spec["lon"]) if resolved else math.nan,
        "score": float(spec.get("score", 95.0 if resolved else 0.0)),
        "reason": spec.get("reason", "exact name in context" if resolved else "no candidate"),
        "alternatives": json.dumps(spec.get("alternatives", []), ensure_ascii=False),
        # Data model is (lat, lon); shapely wants x=lon, y=lat.
        "geometry": Point(float(spec["lon"]), float(spec["lat"])) if resolved else None,
    }


def _claim_geometry(places: Sequence[Mapping[str, Any]]) -> tuple[str, BaseGeometry | None]:
    points = [Point(p["lon"], p["lat"]) for p in places if p.get("lat") is not None]
    if not points:
        return "none", None
    if len(points) == 1:
        return "point", points[0]
    return "area", MultiPoint(points).convex_hull.buffer(0.05)


def _claim_row(claim: Mapping[str, Any]) -> dict[str, Any]:
    places = claim.get("places", [])
    extent, geom = _claim_geometry(places)
    if "geometry" in claim:
        geom = claim["geometry"]
        extent = claim.get("extent", "region")
    row: dict[str, Any] = {
        "claim_id": claim["claim_id"],
        "claimant": claim.get("claimant", "GUR"),
        "claimant_person": claim.get("claimant_person"),
        "side": claim.get("side", "Ukraine"),
        "outlet": claim.get("outlet", "Al Jazeera"),
        "channel": claim.get("channel", "statement"),
        "claim_date": claim.get("claim_date", "2024-12-16"),
        "claim_date_precision": claim.get("claim_date_precision", "day"),
        "event_start": claim.get("event_start", "2024-12-14"),
        "event_end": claim.get("event_end", "2024-12-15"),
        "published": claim.get("published", "2024-12-17"),
        "original_published": claim.get("original_published"),
        "paraphrase": claim.get("paraphrase", "A claim about fighting."),
        "key_phrases": json.dumps(claim.get("key_phrases", []), ensure_ascii=False),
        "figures_text": "; ".join(claim.get("figures", [])),
        "figures": json.dumps([{"text": f} for f in claim.get("figures", [])]),
        "claim_status": claim.get("claim_status", "claimed"),
        "corroborated_by": json.dumps(claim.get("corroborated_by", [])),
        "disputed_by": json.dumps(claim.get("disputed_by", [])),
        "responses": json.dumps(claim.get("responses", [])),
        "extent": extent,
        "n_places": len(places),
        "n_unresolved": sum(p.get("lat") is None for p in places),
        "geometry": geom,
    }
    return row


def build_claim_frames(claims: Iterable[Mapping[str, Any]]) -> ClaimFrames:
    """Build (claims_gdf, places_gdf) from specs.

    A claim spec is a dict with ``claim_id`` and any ARCHITECTURE.md claim
    column; ``places`` is a list of ``{"place": ..., "lat": ..., "lon": ...}``
    (no ``lat`` -> unresolved); ``figures`` is a list of figure texts; a
    ``geometry`` key overrides the claim geometry (e.g. a region polygon).
    """
    claims = list(claims)
    claim_rows = [_claim_row(c) for c in claims]
    place_rows = [_place_row(c, p) for c in claims for p in c.get("places", [])]
    claims_gdf = gpd.GeoDataFrame(
        pd.DataFrame(claim_rows, columns=[*CLAIM_COLUMNS, "geometry"]),
        geometry="geometry",
        crs="EPSG:4326",
    )
    places_gdf = gpd.GeoDataFrame(
        pd.DataFrame(place_rows, columns=[*PLACE_COLUMNS, "geometry"]),
        geometry="geometry",
        crs="EPSG:4326",
    )
    return claims_gdf, places_gdf


@pytest.fixture
def make_claim_frames() -> Callable[[Iterable[Mapping[str, Any]]], ClaimFrames]:
    """The :func:`build_claim_frames` factory."""
    return build_claim_frames


KURSK_BOX = box(34.1, 50.9, 38.5, 52.4)  # rough stand-in for RU-KRS
SUMY_BOX = box(32.9, 50.1, 35.6, 52.3)  # rough stand-in for UA-59


@pytest.fixture
def sample_claims() -> list[dict[str, Any]]:
    """Six claims covering every way a claim is drawn.

    Markers (resolved places): 3 + 1 + 1 + 1 + 1 = 7; areas (claim polygons):
    3; "?" badges: 1; claims without any location: 1.
    """
    return [
        {
            "claim_id": "gur-losses",
            "claimant": "GUR",
            "side": "Ukraine",
            "claim_status": "no_comment",
            "paraphrase": "Ukrainian intelligence says North Korean units suffered losses.",
            "key_phrases": ["significant losses", "at least 30 soldiers"],
            "figures": ["at least 30 killed and wounded (North Korean soldiers)"],
            "responses": ["kremlin-silence"],
            "places": [
                {"place": "Plekhovo", "name_ru": "Плёхово", "lat": 51.193, "lon": 35.043},
                {"place": "Vorozhba", "name_ru": "Ворожба", "lat": 51.229, "lon": 34.977},
                {
                    "place": "Martynovka",
                    "name_ru": "Мартыновка",
                    "lat": 51.171,
                    "lon": 35.134,
                    "alternatives": [
                        {
                            "name": "Мартыновка",
                            "lat": 52.1,
                            "lon": 36.2,
                            "admin1": "Kursk Oblast",
                            "score": 61,
                        }
                    ],
                },
            ],
        },
        {
            "claim_id": "pentagon-region",
            "claimant": "Pentagon",
            "side": "United States",
            "claim_status": "corroborated",
            "paraphrase": "The Pentagon says North Korean troops were killed and wounded.",
            "figures": ["unspecified number killed and wounded (North Korean soldiers)"],
            "corroborated_by": ["gur-losses"],
            "extent": "region",
            "geometry": KURSK_BOX,
            "places": [
                {
                    "place": "Kursk region",
                    "name_latin": "Kursk Oblast",
                    "name_ru": "Курская область",
                    "precision": "region",
                    "lat": 51.7,
                    "lon": 36.3,
                }
            ],
        },
        {
            "claim_id": "zelensky-sudzha",
            "claimant": "Zelensky",
            "side": "Ukraine",
            "claim_status": "claimed",
            "claim_date": "2024-12-20",
            "paraphrase": "Ukraine still holds Sudzha.",
            "figures": ["about 200 captured (Russian soldiers)"],
            "places": [{"place": "Sudzha", "name_ru": "Суджа", "lat": 51.190, "lon": 35.270}],
        },
        {
            "claim_id": "mod-disputes",
            "claimant": "Russian MoD",
            "side": "Russia",
            "claim_status": "disputed",
            "claim_date": "2024-12-18",
            "paraphrase": "Russia says it retook ground near Kurilovka.",
            "figures": ["more than 500 killed (Ukrainian soldiers)"],
            "disputed_by": ["zelensky-sudzha"],
            "places": [
                {
                    "place": "Bolshoe Soldatskoe",
                    "name_ru": "Большое Солдатское",
                    "lat": 51.36,
                    "lon": 35.51,
                },
                {"place": "Kurilovka"},
            ],
        },
        {
            "claim_id": "kremlin-silence",
            "claimant": "Kremlin",
            "side": "Russia",
            "claim_status": "claimed",
            "claim_date": None,
            "published": None,
            "paraphrase": "The Kremlin declined to comment on the fighting near Zeleny Shlyakh.",
            "places": [{"place": "Zeleny Shlyakh"}],
        },
        {
            "claim_id": "kcna-country",
            "claimant": "KCNA",
            "side": "North Korea",
            "claim_status": "claimed",
            "claim_date": "2025-01-02",
            "paraphrase": "North Korean state media say nothing about losses.",
            "extent": "country",
            "geometry": box(124.3, 37.7, 130.6, 42.9),
            "places": [
                {
                    "place": "North Korea",
                    "name_latin": "North Korea",
                    "name_ru": "КНДР",
                    "precision": "country",
                    "admin1": None,
                    "country_code": "KP",
                    "lat": 40.3,
                    "lon": 127.4,
                }
            ],
        },
    ]


@pytest.fixture
def sample_frames(sample_claims: list[dict[str, Any]]) -> ClaimFrames:
    return build_claim_frames(sample_claims)


@pytest.fixture
def reference_frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Small admin-1 and border frames shaped like geokursk.boundaries' output."""
    admin1 = gpd.GeoDataFrame(
        {
            "iso_3166_2": ["RU-KRS", "UA-59", "RU-BEL"],
            "name_en": ["Kursk", "Sumy", "Belgorod"],
            "name_ru": ["Курская область", "Сумская область", "Белгородская область"],
            "name_uk": ["Курська область", "Сумська область", "Бєлгородська область"],
            "country_code": ["RU", "UA", "RU"],
        },
        geometry=[KURSK_BOX, SUMY_BOX, Polygon([(36, 50), (38, 50), (38, 51), (36, 50)])],
        crs="EPSG:4326",
    )
    borders = gpd.GeoDataFrame(
        {"pair": ["RU-UA", "RU-BY"]},
        geometry=[
            LineString([(33.2, 52.3), (34.4, 51.7), (35.4, 51.1), (36.2, 50.4)]),
            LineString([(31.5, 52.1), (31.8, 53.5)]),
        ],
        crs="EPSG:4326",
    )
    return admin1, borders


@pytest.fixture
def reference_data(reference_frames: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> Any:
    """A small offline background (no gazetteer needed): oblasts, border, a raion,
    a river, towns and villages around Sudzha, a district point."""
    from geokursk.maps import ReferenceData

    admin1, borders = reference_frames
    raions = gpd.GeoDataFrame(
        {"id": ["osm:relation/1"], "name:en": ["Sumy Raion"]},
        geometry=[box(34.2, 50.6, 35.3, 51.2)],
        crs="EPSG:4326",
    )
    rivers = gpd.GeoDataFrame(
        {"name": ["Seym / Сейм", ""]},
        geometry=[
            LineString([(36.2, 51.7), (35.5, 51.6), (34.7, 51.55), (34.3, 51.3)]),
            LineString([(35.0, 50.9), (35.2, 51.0)]),
        ],
        crs="EPSG:4326",
    )
    settlements = pd.DataFrame(
        [
            ("Курск", "Kursk", "PPLA", 51.7303, 36.1928, 449_556),
            ("Сумы", "Sumy", "PPLA", 50.9216, 34.8003, 294_456),
            ("Суджа", "Sudzha", "PPLA2", 51.1914, 35.2706, 6_940),
            ("Кореново", "Korenevo", "PPLA2", 51.4100, 34.9100, 6_236),
            ("Гончаровка", "Goncharovka", "PPL", 51.2200, 35.1600, 500),
            ("Плёхово", "Plekhovo", "PPL", 51.1930, 35.0430, 641),
            ("Махновка", "Makhnovka", "PPL", 51.1500, 35.3500, None),
        ],
        columns=["name", "name_latin", "feature_code", "lat", "lon", "population"],
    )
    districts = pd.DataFrame(
        [("Sudzhansky District", 51.1867, 35.3028), ("Sumy Raion point", 50.9, 34.8)],
        columns=["name_latin", "lat", "lon"],
    )
    return ReferenceData(
        admin1=admin1,
        borders=borders,
        raions=raions,
        rivers=rivers,
        settlements=settlements,
        districts=districts,
    )
