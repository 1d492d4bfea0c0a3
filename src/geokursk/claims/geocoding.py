"""Geocoding the places of claims, with any geocoder that answers like geokursk's.

A geocoder is resolved once per call (the process-wide one by default); a claim's
places are geocoded jointly with its context, so nearby places support each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from geokursk.claims.model import Claim

__all__: list[str] = []


class _PlaceLike(Protocol):
    id: str
    name: str
    name_latin: str
    name_ru: str | None
    name_uk: str | None
    feature_code: str
    country_code: str
    admin1: str | None
    lat: float
    lon: float

    @property
    def is_area(self) -> bool: ...


class _ResultLike(Protocol):
    status: str
    place: Any
    score: float
    reason: str
    alternatives: Sequence[Any]

    @property
    def lat(self) -> float | None: ...

    @property
    def lon(self) -> float | None: ...


class _GeocoderLike(Protocol):
    def geocode_many(
        self, names: Sequence[str], *, context: str | None = None
    ) -> Sequence[Any]: ...


def _resolve_geocoder(geocoder: Any) -> _GeocoderLike:
    if geocoder is not None:
        return geocoder
    from geokursk.geocode import default_geocoder

    return default_geocoder()


def _geocode_claim(claim: Claim, geocoder: _GeocoderLike) -> list[_ResultLike]:
    """Geocode a claim's places; those sharing a context are resolved jointly."""
    groups: dict[str | None, list[int]] = {}
    for i, place in enumerate(claim.places):
        groups.setdefault(place.context, []).append(i)
    results: list[Any] = [None] * len(claim.places)
    for context, indexes in groups.items():
        names = [claim.places[i].name for i in indexes]
        found = list(geocoder.geocode_many(names, context=context))
        if len(found) != len(names):
            raise ValueError(
                f"geocoder returned {len(found)} results for {len(names)} names of claim "
                f"{claim.id!r}"
            )
        for i, result in zip(indexes, found, strict=True):
            results[i] = result
    return results
