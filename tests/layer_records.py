"""A place record with test defaults, shared by the layer and stack tests."""

from __future__ import annotations

from geokursk.build import PlaceRecord


def place_record(pid: str, name: str, lat: float, lon: float, **kw: object) -> PlaceRecord:
    """Return a Kursk Oblast village record; keyword arguments override any field."""
    base: dict[str, object] = {
        "id": pid,
        "name": name,
        "name_latin": "",
        "name_ru": None,
        "name_uk": None,
        "feature_code": "PPL",
        "country_code": "RU",
        "admin1": "Kursk Oblast",
        "admin2": None,
        "lat": lat,
        "lon": lon,
        "population": None,
        "source": "test",
        "quality": "ok",
        "provenance": pid,
        "admin1_code": "RU.41",
    }
    base.update(kw)
    return PlaceRecord(**base)  # type: ignore[arg-type]
