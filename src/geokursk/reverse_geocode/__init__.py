"""Reverse geocoding: from coordinates to the nearest places, admin units and borders.

Analysts who geolocate a video or a strike have coordinates and need "which
village, raion, hromada, oblast is this, and how far from the border".
:func:`reverse` answers for many points at once, offline:

Nearest settlements
    Every settlement of the gazetteer (``PPL...`` rows not flagged by the
    build; about 225,000 with the shipped layers) is loaded once per
    gazetteer and indexed in a shapely :class:`~shapely.STRtree` on
    spherical Mercator coordinates.  Candidates found in the tree are
    re-ranked by great-circle (haversine) distance, and the search radius
    grows until it provably holds the ``nearest`` closest ones: Mercator
    is conformal and stretches distances by ``sec(latitude)``, so a place
    at great-circle distance *d* lies within Mercator distance
    ``d * sec(|lat| + d/R)``.  Distance and compass direction are given
    *from the settlement to the point* ("3.2 km NE of Plekhovo").
Admin units
    Country (Natural Earth 1:10m countries, simplified to 0.01 degrees),
    oblast (Natural Earth admin-1 for Ukraine, Belarus and western Russia)
    and raion (OpenStreetMap raions of Sumy, Kharkiv and Chernihiv oblasts)
    by point-in-polygon.  Elsewhere the raion is the district of the nearest
    settlement in the same country, and says so in ``raion_source``.  The
    package ships no hromada polygons: ``hromada`` is the KATOTTG hromada of
    the nearest Ukrainian locality that has one, when that is the nearest
    Ukrainian settlement (give or take 0.5 km; within :data:`HROMADA_MAX_KM`),
    labelled as such in ``hromada_source``.
Borders and lines
    Distance to a state border line (Russia-Ukraine by default), and to a
    line you give (a front line, a river...).  The shipped border lines are
    1:10m: read the distance to about +/- 3 km.

Points outside every polygon keep their row: the admin columns are empty and
``note`` says which polygons they fall outside of.
"""

from geokursk.reverse_geocode.answer import DEFAULT_NEAREST, reverse
from geokursk.reverse_geocode.geometry import COMPASS_POINTS, compass_point
from geokursk.reverse_geocode.settlements import HROMADA_MAX_KM

__all__ = [
    "COMPASS_POINTS",
    "DEFAULT_NEAREST",
    "HROMADA_MAX_KM",
    "compass_point",
    "reverse",
]
