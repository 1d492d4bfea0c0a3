"""What a resolved mention names and what role it plays in the text.

Settlement, raion, oblast or river; where something happened (``event``) or who
speaks (``actor``: "Russia's Defence Ministry").
"""

from __future__ import annotations

import re
from typing import Any

from geokursk.extract.claimants import _CYR_SAY, _ORG_NOUNS, _RESPONSE_VERB, _SAY
from geokursk.extract.places.mention import _UPPER, PROMINENT_POPULATION, _Cand
from geokursk.extract.text import (
    _POSSESSIVE,
)
from geokursk.extract.vocab import alternation, word_list
from geokursk.geocode import AreaMention, GeocodeResult
from geokursk.normalize import fold, is_river, split_area

#: "close to the border with Dnipropetrovsk region", «на границе с Украиной»: the area is
#: a neighbour of the sentence's places (``border_phrases.csv``).
_BORDER_BEFORE = re.compile(
    rf"(?<!\w)(?:{alternation(word_list('border_phrases', column='phrase'))})\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _names_neighbour(text: str, c: _Cand | AreaMention) -> bool:
    """Return True when an area is named as what the sentence's places border on.

    "Udachne, close to the administrative border with Dnipropetrovsk region" is not in
    Dnipropetrovsk region: the area must not steer where the sentence's villages are
    resolved.
    """
    return _BORDER_BEFORE.search(text, max(0, c.start - 40), c.start) is not None


def _names_actor(text: str, c: _Cand | AreaMention) -> bool:
    """Return True when an area names who speaks, not where ("Russia's Defence Ministry").

    Such an area ("Минобороны России" too) must not steer where the sentence's
    villages are resolved.
    """
    end = c.end
    possessive = _POSSESSIVE.search(text[c.start : c.end])
    if possessive is not None:  # an area phrase found with its "'s"
        end = c.start + possessive.start()
    after = text[end : end + 40]
    before = text[max(0, c.start - 30) : c.start]
    # "Russia's Defence Ministry", "Russia's defence ministry", "Ukraine's military"
    owner = re.match(r"[’']s((?:\s+[^\W\d_][\w-]*){1,3})", after)
    if owner and _ORG_NOUNS.search(owner.group(1)):
        return True
    prev = re.search(r"([\w-]+)\s+$", before)
    return bool(prev and _ORG_NOUNS.match(prev.group(1)))


def _kind_of(c: _Cand, r: GeocodeResult) -> str:
    """Return what a mention names, from how it was found and what it resolved to."""
    if is_river(c.query) or "names a river" in r.reason:
        return "river"
    region_word = r.reason.startswith("region word") or any(
        a.reason.startswith("region word") for a in r.alternatives
    )
    p = r.place if r.status == "resolved" else None
    if region_word and (p is None or p.is_area):
        return "region"
    if p is not None and p.is_area:
        if p.feature_code.startswith("PCL"):
            return "country"
        return "oblast" if p.feature_code == "ADM1" else "raion"
    if c.area:
        return "raion" if split_area(fold(c.query))[1] == "admin2" else "oblast"
    return "settlement"


_DATELINE_PLACE = re.compile(rf"(?m)^[ \t]*([{_UPPER}][{_UPPER}’' .-]+[{_UPPER}]),")
_STATEMENT_CUES = tuple(fold(p) for p in word_list("statement_cues", column="phrase"))


# A negated verb of confirming or answering after a place ("did not confirm", «не
# подтвердил»): the stems are in ``unconfirmed_stems.csv``.
_DENIES = re.compile(
    r"[\s,]*(?i:(?:did|does|do|has|have|had|would|could)\s+not|не|ні)\s+(?i:(?:yet\s+)?"
    rf"(?:{alternation(word_list('unconfirmed_stems', column='stem'))}))"
)


def _role(text: str, c: _Cand, r: GeocodeResult) -> str:
    """``event``, ``actor``, ``statement`` or ``dateline`` (see :class:`PlaceMention`)."""
    if c.role != "event":
        return c.role
    head = text[: min(len(text), 400)]
    for m in _DATELINE_PLACE.finditer(head):
        if m.start(1) <= c.start < m.end(1):
            return "dateline"
    before = " " + fold(text[max(0, c.start - 40) : c.start]).strip()
    if any(before.endswith(" " + cue) for cue in _STATEMENT_CUES):
        return "statement"
    if _names_actor(text, c):
        return "actor"
    p = r.place if r.status == "resolved" else None
    capital = p is not None and (p.feature_code in ("PPLC", "PCLI") or _prominent_place(p))
    after = text[c.end : c.end + 40]
    verb = re.match(
        r"[\s,]*(?:(?:earlier|also|has|have|had|ранее|раніше|уже|вже|также|також)\s+)?(\w+)",
        after,
    )
    if capital and verb is not None:
        word = verb.group(1)
        if _SAY.match(word) or _CYR_SAY.match(word) or _RESPONSE_VERB.match(word):
            return "actor"
        if re.match(r"(?i)(?:оценивал|оцінював|відправив|отправил|denied|said|warned)", word):
            return "actor"
        # "Kyiv did not confirm", "Moscow has not commented", «Киев не подтвердил», but not
        # «в Харькове не было света» or "Kharkiv has not had power"
        if _DENIES.match(after):
            return "actor"
    return "event"


def _prominent_place(p: Any) -> bool:
    return bool(
        p.ok
        and (
            p.is_area
            or p.feature_code in ("PPLC", "PPLA")
            or (p.population or 0) >= PROMINENT_POPULATION
        )
    )
