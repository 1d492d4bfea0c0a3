"""The public API surface: everything in geokursk.__all__ resolves; import stays light."""

from __future__ import annotations

import subprocess
import sys

import geokursk


def test_every_public_name_resolves() -> None:
    for name in geokursk.__all__:
        assert getattr(geokursk, name) is not None, name


def test_unknown_attribute_raises_attribute_error() -> None:
    try:
        geokursk.no_such_thing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_import_and_geocode_do_not_load_geopandas_or_folium() -> None:
    code = (
        "import sys, geokursk; geokursk.geocode('Sudzha'); "
        "print(sorted(m for m in ('geopandas', 'folium', 'shapely') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
