"""What a map was drawn from: the dataset and its SHA-256, the gazetteer layers, the version.

The provenance is shown in the page (title bar, "About this map") and in its
``<title>``, and embedded as JSON (``<script type="application/json"
id="gk-provenance">``) for machines. It holds no timestamp, so the same
inputs still give a byte-identical file.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["GazetteerLayer", "MapProvenance", "frame_provenance", "map_provenance"]


@dataclass(frozen=True)
class GazetteerLayer:
    """One layer of the gazetteer that resolved the places."""

    name: str
    licence: str
    rows: int
    sha256: str = ""


@dataclass(frozen=True)
class MapProvenance:
    """Where a map's claims and places came from.

    Attributes
    ----------
    dataset : str
        The claims file's name (or a description such as "claims frame (6 claims)").
    sha256 : str
        SHA-256 of the file's bytes (or of the frames' content).
    description : str
        What the dataset is, from its ``description``.
    layers : tuple of GazetteerLayer
        The gazetteer layers, with licence, rows and digest.
    version : str
        The geokursk version that drew the map.
    """

    dataset: str
    sha256: str
    description: str = ""
    layers: tuple[GazetteerLayer, ...] = field(default_factory=tuple)
    version: str = ""

    def title_suffix(self) -> str:
        """``"kursk.json (SHA-256 abababababab) · geokursk 0.1.0"``."""
        return f"{self.dataset} (SHA-256 {self.sha256[:12]}) · geokursk {self.version}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (embedded in the page)."""
        return asdict(self)


def _version() -> str:
    from geokursk import __version__

    return __version__


def _layers_of(gazetteer: Any) -> tuple[GazetteerLayer, ...]:
    if gazetteer is None:
        from geokursk.geocode import default_geocoder

        gazetteer = default_geocoder().gazetteer
    out = []
    for layer in gazetteer.layers or []:
        out.append(
            GazetteerLayer(
                name=str(layer.get("name", "")),
                licence=str(layer.get("licence", "")),
                rows=int(layer.get("rows", 0) or 0),
                sha256=str(layer.get("sha256", "")),
            )
        )
    if not out:  # a single-file gazetteer built with `geokursk gazetteer build`
        path = Path(gazetteer.path)
        out.append(GazetteerLayer(path.name, "see the file's sources", len(gazetteer)))
    return tuple(out)


def map_provenance(
    source: str | Path | None,
    *,
    gazetteer: Any = None,
    dataset: str | None = None,
) -> MapProvenance:
    """Describe the claims file and gazetteer a map is drawn from.

    Parameters
    ----------
    source : str or Path or None
        The claims file (or article); ``None`` is the embedded dataset.
    gazetteer : geokursk.gazetteer.Gazetteer, optional
        The gazetteer that resolved the places (default: the default geocoder's).
    dataset : str, optional
        How to name the data (default: the file's name).

    Examples
    --------
    >>> p = map_provenance(None)                     # doctest: +SKIP
    >>> p.dataset, len(p.sha256)                     # doctest: +SKIP
    ('kursk_dprk_2024-12.json', 64)
    """
    import json

    if source is None:
        folder = resources.files("geokursk") / "data" / "claims"
        name = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))[0]
        data = (folder / name).read_bytes()
    else:
        name = Path(source).name
        data = Path(source).read_bytes()
    description = ""
    try:
        doc = json.loads(data)
        if isinstance(doc, dict):
            description = str(doc.get("description") or "")
    except ValueError:
        pass  # an article, not a claims file
    return MapProvenance(
        dataset=dataset or name,
        sha256=hashlib.sha256(data).hexdigest(),
        description=description,
        layers=_layers_of(gazetteer),
        version=_version(),
    )


def frame_provenance(claims: pd.DataFrame, places: pd.DataFrame) -> MapProvenance:
    """Provenance of a map drawn from frames alone: a digest of their content."""
    import shapely

    digest = hashlib.sha256()
    for frame in (claims, places):
        plain = pd.DataFrame(frame)
        geometry = plain["geometry"] if "geometry" in plain else None
        plain = plain.drop(columns=["geometry"], errors="ignore")
        digest.update("\x1f".join(map(str, plain.columns)).encode("utf-8"))
        try:  # vectorised; cells such as lists cannot be hashed this way
            hashed = pd.util.hash_pandas_object(plain, index=False).to_numpy().tobytes()
        except TypeError:
            hashed = plain.to_csv(index=False).encode("utf-8")
        digest.update(hashed)
        if geometry is not None:
            wkb = shapely.to_wkb(list(geometry), hex=True)
            digest.update("\x1f".join(str(w) for w in wkb).encode("ascii"))
    return MapProvenance(
        dataset=f"claims frame ({len(claims)} claims)",
        sha256=digest.hexdigest(),
        version=_version(),
    )
