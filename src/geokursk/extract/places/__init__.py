"""Places: finding place mentions in an article and resolving them in the gazetteer.

1. **Area phrases** found by :meth:`Geocoder.find_areas` ("Kursk region", "в Курской
   области", "Russia") are kept unless part of a longer capitalised name; "Kursk
   border region" and "Kursk and Belgorod regions" are read as area phrases too, and
   a region named only through its authority ("Belgorod governor", "Харківська ОВА")
   places the article there.
2. **Candidate names** are runs of capitalised words minus leading stop words and
   titles; inflected Cyrillic names are looked up in their dictionary forms too
   (:mod:`geokursk.extract.morphology`).
3. A candidate is a **place mention** when its whole run matches the gazetteer and a
   place word stands before it (``strong_triggers.csv``, ``weak_triggers.csv``: phrase
   -> relation), it is listed with another place, it matches inside the article's
   regions, or it is prominent.  After a strong place pattern an unknown name is kept,
   ``unresolved``.
4. **Resolution** is joint per sentence and staged: with the sentence's areas, the
   article's, the places named elsewhere, then without context (prominent places
   only).

The package has one module per step: :mod:`.mention` (what is reported),
:mod:`.cues` (place words, area words, lists around a name), :mod:`.judge` (whether a
run names a place), :mod:`.resolve` (joint, staged resolution) and :mod:`.roles` (what
a mention names and whether it is where something happened or who speaks).
"""

from geokursk.extract.places.mention import PROMINENT_POPULATION, PlaceMention

__all__ = ["PROMINENT_POPULATION", "PlaceMention"]
