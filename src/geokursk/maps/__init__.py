"""Interactive claims maps that a reader understands offline.

One module per step: :mod:`~geokursk.maps.text` (cells to text, JSON for
``<script>``), :mod:`~geokursk.maps.popups` (HTML from Jinja templates in
``templates/``), :mod:`~geokursk.maps.features` (claims and places to the
features the browser draws), :mod:`~geokursk.maps.reference` (the offline
background), :mod:`~geokursk.maps.provenance`, :mod:`~geokursk.maps.elements`
(folium elements) and :mod:`~geokursk.maps.draw` (:func:`claims_map`). The
browser runtime is ``static/geokursk.js`` and ``static/geokursk.css``;
folium plugins' JavaScript is vendored with its licences in ``static/vendor``.
"""

from __future__ import annotations

from geokursk.maps import draw, elements, features, popups, provenance, reference, text
from geokursk.maps.draw import CLAIM_STATUSES, claims_map, default_reference
from geokursk.maps.provenance import GazetteerLayer, MapProvenance, map_provenance
from geokursk.maps.reference import ReferenceData

__all__ = [
    "CLAIM_STATUSES",
    "GazetteerLayer",
    "MapProvenance",
    "ReferenceData",
    "claims_map",
    "default_reference",
    "draw",
    "elements",
    "features",
    "map_provenance",
    "popups",
    "provenance",
    "reference",
    "text",
]
