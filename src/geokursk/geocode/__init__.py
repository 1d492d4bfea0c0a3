"""Context-aware geocoding of place names against a gazetteer.

How a name is resolved
----------------------
1. **Candidates.**  The name's folded Latin keys (every romanisation of a
   Cyrillic name, see :mod:`geokursk.normalize`) are looked up exactly;
   then places sharing its consonant skeleton are scored with
   :func:`rapidfuzz.fuzz.ratio`; if nothing reaches the acceptance
   threshold, keys whose skeleton shares the first three letters are scored
   too (a blocked fuzzy search: an index range scan, never a full scan).
2. **Context.**  Area phrases in the context text ("in the Kursk region",
   "Sudzha district", "Sumy Oblast, Ukraine", "Курской области", Сумщині) are
   recognised against the gazetteer's areas; a district is read in the region
   named with it (a district none of whose readings lies in a named region is
   dropped as misread).  A candidate outside every named country/region is
   *not eligible*; one inside a named region gains 6 points, inside a named
   district 8 more (so does one whose district is not recorded, when the
   district is said of its name).  An area after "from", «из», «з боку» (words in
   ``data/words/movement.csv``) is where a movement comes from: a candidate
   inside it loses 6 points, one within :data:`NEIGHBOUR_KM` of it gains 6.
   A context in which nothing is recognised gives a warning.
3. **Co-mentions.**  Names passed together to :meth:`Geocoder.geocode_many`
   are resolved jointly: a candidate near eligible candidates of the other
   names gains a bonus, so three villages mentioned together resolve to the
   cluster that lies close together.
4. **Priors, one rule for every name.**  Population and capital status add a
   little (a quarter as much for approximate spellings).  An approximate
   spelling (similarity below :data:`FUZZY_ACCEPT`) is resolved only when a
   context area or a co-mentioned place supports it.
5. **Decision.**
   - *Exact before approximate*: when the query is some place's name,
     differently named places are out.  When the places named exactly are
     flagged, or excluded only by a country named in passing ("Ukraine said
     ..."), or bear the name only as an alternate name while a place bearing
     it as main name lies next door, a transliteration is not swapped in: the
     answer is ``ambiguous`` and names them.
   - Rows flagged by the gazetteer build (points outside their region, shared
     coordinates, low accuracy) are never returned as answers, only listed as
     alternatives; a place named exactly just outside the context region
     survives when it is the only one (:data:`NEIGHBOUR_KM`).
   - No eligible candidate: ``unresolved``.  Two eligible candidates more than
     5 km apart within :data:`TIE_MARGIN` points, or the same name in the other
     language within :data:`NEIGHBOUR_KM` in the same region: ``ambiguous``,
     unless one is prominent (10,000+ people, or a capital or regional or
     district seat, with three times the population of every tied namesake
     matched as strongly and, when a context area supports some of them,
     supported too: a bare "Pokrovsk" means the town).
   - A region named in the sentence for another place ("from Bilohorivka
     towards Siversk, Donetsk region") does not decide between two places of
     the name on either side of a regional border (:data:`NEIGHBOUR_KM`
     apart): ``ambiguous``.  It does when it is said of the name itself
     ("Bilohorivka, Donetsk region"; connecting words in
     ``data/words/attach.csv``), or when the context was given for the name.
   - A best score below :data:`CONFIDENT_SCORE`: ``ambiguous``.  Otherwise
     ``resolved``, with the reason naming the context that decided.

Which near-matches count (:func:`is_spelling_variant`, measured on the pairs
in ``tests/data/spelling_variants.csv`` by ``tests/test_thresholds.py``): a
key sharing the query's consonant skeleton is a spelling variant when its
vowel classes agree (:func:`geokursk.normalize.vowel_key`; Russian and
Ukrainian forms of one place can have a letter similarity as low as 53,
Miropolye / Myropillia, while different names with one skeleton reach 82,
Kurilovka / Karlovka, so letter similarity cannot separate them) or when
:func:`rapidfuzz.fuzz.ratio` >= :data:`FUZZY_ACCEPT` = 90 (a typo).  Keys
without a shared skeleton need 90 too: distinct names reach 89 (Plekhovo /
Plekhanovo).  Variant scores are compressed to 85-90 so an exact name always
outranks them.

One module per step: :mod:`~geokursk.geocode.candidates` (1),
:mod:`~geokursk.geocode.context` (2), :mod:`~geokursk.geocode.scoring` (3, 4),
:mod:`~geokursk.geocode.decide` (5), :mod:`~geokursk.geocode.results` (what an
answer holds) and :mod:`~geokursk.geocode.geocoder` (the :class:`Geocoder` that
runs them and remembers its answers).
"""

from geokursk.gazetteer import haversine_km
from geokursk.geocode.candidates import (
    EXACT_KINDS,
    FUZZY_ACCEPT,
    SKELETON_ACCEPT,
    is_spelling_variant,
    same_name_variant,
)
from geokursk.geocode.context import NEIGHBOUR_KM
from geokursk.geocode.decide import TIE_MARGIN
from geokursk.geocode.geocoder import Geocoder, default_geocoder
from geokursk.geocode.results import (
    Alternative,
    AreaMention,
    GeocodeResult,
    Status,
    results_frame,
)
from geokursk.geocode.scoring import COHESION_WINDOW

__all__ = [
    "COHESION_WINDOW",
    "EXACT_KINDS",
    "FUZZY_ACCEPT",
    "NEIGHBOUR_KM",
    "SKELETON_ACCEPT",
    "TIE_MARGIN",
    "Alternative",
    "AreaMention",
    "GeocodeResult",
    "Geocoder",
    "Status",
    "default_geocoder",
    "haversine_km",
    "is_spelling_variant",
    "results_frame",
    "same_name_variant",
]
