"""Place mentions: what extraction reports for a place named in a text.

:class:`PlaceMention` is the answer; ``_Cand`` the candidate run it starts from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geokursk.geocode import GeocodeResult

#: A place resolved without any context must be at least this prominent.
PROMINENT_POPULATION = 100_000
_UPPER = "A-ZА-ЯЁІЇЄҐ"


@dataclass(frozen=True)
class PlaceMention:
    """A place named in the text, with its span and how it was resolved.

    Attributes
    ----------
    mention : str
        The text as written (``text[start:end]``), without a possessive ``'s``.
    start, end : int
        Character offsets in the article.
    query : str
        The name looked up (the dictionary form of an inflected Cyrillic name).
    sentence : int
        Index of the sentence holding the mention.
    relation : str
        Spatial relation the text uses (``near``, ``in``, ``in the area of``...).
    evidence : str
        Why the span was taken as a place name.
    result : GeocodeResult
        The geocoding result (``unresolved`` names are kept, never dropped).
    context : str or None
        The context the result was obtained with.
    kind : str
        What the mention names: ``settlement``, ``hromada``, ``raion``, ``oblast``,
        ``region`` (a colloquial region word: Донеччина, Нікопольщина, Donbas),
        ``country`` or ``river``.
    role : str
        ``event`` (where something happened, or what a claim is about), ``actor`` (a
        place standing for its government or an authority: "Kyiv said", "the Kremlin",
        «Сумська ОВА»), ``statement`` (where a statement was made: "told reporters in
        Washington") or ``dateline``.  Only ``event`` places become claim places.
    """

    mention: str
    start: int
    end: int
    query: str
    sentence: int
    relation: str
    evidence: str
    result: GeocodeResult
    context: str | None = None
    kind: str = "settlement"
    role: str = "event"

    @property
    def status(self) -> str:
        """Geocoding status: ``resolved``, ``ambiguous`` or ``unresolved``."""
        return self.result.status

    @property
    def is_area(self) -> bool:
        """True when the mention names a country or an administrative area."""
        p = self.result.place
        return p is not None and p.is_area

    @property
    def precision(self) -> str:
        """Location precision of a claim made at this place (ACLED/UCDP spirit)."""
        p = self.result.place
        if self.kind in ("hromada", "raion"):
            return "district"
        if self.kind in ("oblast", "region", "river"):
            return "region"
        if p is not None and p.is_area:
            if p.feature_code.startswith("PCL"):
                return "country"
            return "region" if p.feature_code == "ADM1" else "district"
        if self.relation in ("near", "in the area of", "around"):
            return "near_settlement"
        return "settlement"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object of ``geokursk extract --json`` ``places``."""
        d = self.result.to_dict()
        return {
            "mention": self.mention,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "relation": self.relation,
            "evidence": self.evidence,
            "context": self.context,
            "kind": self.kind,
            "role": self.role,
            **d,
        }


@dataclass
class _Cand:
    start: int
    end: int
    mention: str
    query: str
    sentence: int
    relation: str
    evidence: str
    strong: bool = False
    area: bool = False
    kind: str = ""  # "" = from the geocoding result
    role: str = "event"
    # The result when the mention was resolved while it was found (hromada centres).
    result: GeocodeResult | None = None
