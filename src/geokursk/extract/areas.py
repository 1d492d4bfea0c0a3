"""Place phrases beyond the gazetteer's areas: hromadas, raion region words, authorities.

:meth:`geokursk.geocode.Geocoder.find_areas` knows countries, oblasts, raions and
the colloquial names of oblasts.  Reporting in Ukrainian and Russian also names:

* **hromadas** by their adjective before «громада» (in any case, and in lists:
  «Хотінська, Юнаківська та Білопільська громади»).  A hromada is named after its
  centre, so the centre settlement is looked up (Хотінська -> Хотінь, Юнаківська
  -> Юнаківка, Білопільська -> Білопілля) among the places of the article's
  regions; the mention is kept, unresolved, when no centre is found;
* **raion region words** (Нікопольщина, Синельниківщині): the raion named after
  the town (Нікопольський район);
* **authorities** named by their region's adjective («Сумська ОВА», «Харківській
  обласній військовій адміністрації», "Belgorod governor"): the oblast, as an
  *actor*, not a place where something happened;
* **metonyms** (the Kremlin, «Кремль», the White House): the capital, as an actor
  (``data/words/extract/metonyms.csv``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from geokursk.extract.morphology import _analyzer, lemma_forms
from geokursk.extract.vocab import phrase_table
from geokursk.gazetteer import haversine_km
from geokursk.geocode import Geocoder, GeocodeResult
from geokursk.normalize import latin_forms

__all__ = ["AreaPhrase", "find_area_phrases"]

_CAP = "A-ZА-ЯЁІЇЄҐ"
_WORD = rf"[{_CAP}][\w’'-]+"
_HROMADA = re.compile(
    rf"((?:{_WORD}(?:\s*,\s*|\s+(?:та|і|й|и)\s+))*{_WORD})\s+громад[аиіуоя]\w*",
)
_ADJECTIVE = re.compile(rf"{_WORD}", re.UNICODE)
_REGION_WORD = re.compile(rf"\b({_WORD}?)(щин|ччин)(а|и|і|у|ою|е|ы|ой)\b")
#: What follows a region's name when it names the region's authority: «Харківська ОВА»,
#: "Belgorod governor", "Kharkiv regional governor", "the Sumy regional military
#: administration" (shared with :mod:`geokursk.extract.places`).
AUTHORITY_AFTER = (
    r"(?:обласн\w*|областн\w*|ОВА|ОДА|губернатор\w*|(?i:governor)\b|"
    r"(?i:regional\s+(?:military\s+)?(?:administration|governor|head|chief|authorities|"
    r"officials?|council|police|prosecutors?)\b))"
)
_AUTHORITY = re.compile(rf"({_WORD})\s+{AUTHORITY_AFTER}")
# Endings of hromada adjectives, and the stems they leave.
_ADJ_SUFFIXES = ("янська", "цька", "зька", "ська")
_CENTRE_ENDINGS = ("", "ь", "а", "я", "е", "о", "и", "і", "ка", "ки", "ці")
_CENTRE_KM = 5.0


@dataclass(frozen=True)
class AreaPhrase:
    """A place phrase found in the text, with what it names and, if known, its result."""

    start: int
    end: int
    mention: str
    query: str
    kind: str  # "hromada", "region", "oblast", "settlement"
    role: str  # "event" or "actor"
    evidence: str
    result: GeocodeResult | None = None


def find_area_phrases(
    text: str, gc: Geocoder, theatre: str | None, language: str
) -> list[AreaPhrase]:
    """Find hromadas, raion region words, authorities and metonyms in ``text``.

    Parameters
    ----------
    text : str
        The article.
    gc : Geocoder
        Resolves hromada centres and raions.
    theatre : str or None
        The regions the article names ("Сумській області; Курской области"),
        the context hromada centres are looked up in.
    language : {"en", "ru", "uk"}
        The article's language.

    Returns
    -------
    list of AreaPhrase
        In text order, not overlapping.
    """
    found: list[AreaPhrase] = []
    found += _hromadas(text, gc, theatre)
    found += _region_words(text, gc)
    found += _authorities(text, gc, language)
    found += _metonyms(text, gc)
    found.sort(key=lambda a: (a.start, -a.end))
    out: list[AreaPhrase] = []
    for a in found:
        if not any(o.start < a.end and a.start < o.end for o in out):
            out.append(a)
    return out


def _unresolved(query: str, reason: str, context: str | None) -> GeocodeResult:
    return GeocodeResult(query, "unresolved", None, 0.0, reason, (), context, ())


def _hromadas(text: str, gc: Geocoder, theatre: str | None) -> list[AreaPhrase]:
    out = []
    for m in _HROMADA.finditer(text):
        for w in _ADJECTIVE.finditer(m.group(1)):
            adj = w.group(0)
            if not re.search(r"(?:ськ|цьк|зьк)\w*$", adj.lower()):
                continue
            start = m.start(1) + w.start()
            result = _hromada_centre(adj, gc, theatre)
            how = (
                f"hromada adjective; centre {result.query} ({result.status})"
                if result.status != "unresolved" or result.query != adj
                else "hromada adjective; centre not found"
            )
            out.append(
                AreaPhrase(start, start + len(adj), adj, adj, "hromada", "event", how, result)
            )
    return out


def _feminine(adjective: str) -> str:
    """Return the nominative feminine singular of a Ukrainian adjective («Межівську»)."""
    for parse in _analyzer("uk").parse(adjective):
        if parse.tag.POS == "ADJF":
            form = parse.inflect({"nomn", "femn"})
            if form is not None:
                word = str(form.word)
                return adjective[:1] + word[1:]
    return adjective


def _centre_names(adjective: str) -> list[str]:
    """Candidate names of the centre of a hromada named by ``adjective`` (nominative)."""
    fem = _feminine(adjective)
    stems: list[str] = []
    for suffix in _ADJ_SUFFIXES:
        if fem.lower().endswith(suffix):
            stem = fem[: -len(suffix)]
            stems.append(stem)
            if suffix == "янська":  # Ворожбянська -> Ворожба
                stems.append(stem + "ян")
            if suffix == "цька":  # Марганецька -> Марганець
                stems.append(stem + "ць")
            break
    more = []
    for stem in stems:
        if stem.endswith("іль"):  # Білопільська -> Білопілля
            more.append(stem[:-3] + "ілл")
        if len(stem) > 2 and stem[-2] == "і":  # Мирівська -> Мирове, Межівська -> Межова
            more.append(stem[:-2] + "о" + stem[-1])
    return [s + e for s in [*stems, *more] for e in _CENTRE_ENDINGS]


def _hromada_centre(adjective: str, gc: Geocoder, theatre: str | None) -> GeocodeResult:
    codes = {
        p.admin1_code
        for a in gc.find_areas(theatre)
        if a.level != "country"
        for p in a.places
        if p.admin1_code
    }
    hits = []
    for name in _centre_names(adjective):
        for hit in gc.gazetteer.by_keys(latin_forms(name)):
            place = hit.place
            if hit.kind != "name" or place.country_code != "UA" or not place.ok:
                continue
            if codes and place.admin1_code not in codes:
                continue
            hits.append((name, place))
    if not hits:
        return _unresolved(
            adjective,
            f"hromada {adjective!r}: no settlement named after it in the article's regions",
            theatre,
        )
    name, first = hits[0]
    others = [p for _n, p in hits if haversine_km(p.lat, p.lon, first.lat, first.lon) > _CENTRE_KM]
    result = gc.geocode(name, context=theatre)
    if result.status != "resolved" and not others:
        result = gc.geocode(name)  # the only place of that name: the context may be wrong
    return result


def _region_words(text: str, gc: Geocoder) -> list[AreaPhrase]:
    out = []
    for m in _REGION_WORD.finditer(text):
        word = m.group(0)
        if gc.find_areas(word):
            continue  # an oblast's region word (Сумщина): found as an area
        base = m.group(1) + ("ц" if m.group(2) == "ччин" else "")
        queries = [f"{base}ський район", f"{base}ский район"]
        hit = next((q for q in queries if any(a.level == "admin2" for a in gc.find_areas(q))), None)
        result = (
            gc.geocode(hit)
            if hit is not None
            else _unresolved(word, f"region word {word!r}: no raion named after it", None)
        )
        out.append(
            AreaPhrase(
                m.start(),
                m.end(),
                word,
                hit or word,
                "region",
                "event",
                "raion region word",
                result,
            )
        )
    return out


def _authorities(text: str, gc: Geocoder, language: str) -> list[AreaPhrase]:
    out = []
    for m in _AUTHORITY.finditer(text):
        adj = m.group(1)
        for form in lemma_forms(adj, language if language != "en" else None):
            query = f"{form} область" if re.search("[а-яіїєґ]", form.lower()) else f"{form} region"
            if any(a.level == "admin1" for a in gc.find_areas(query)):
                out.append(
                    AreaPhrase(
                        m.start(1),
                        m.end(1),
                        adj,
                        query,
                        "oblast",
                        "actor",
                        "region named by its authority",
                        gc.geocode(query),
                    )
                )
                break
    return out


def _metonyms(text: str, gc: Geocoder) -> list[AreaPhrase]:
    out = []
    for phrase, place in phrase_table("metonyms", "place"):
        for m in _occurrences(text, phrase):
            out.append(
                AreaPhrase(
                    m[0],
                    m[1],
                    text[m[0] : m[1]],
                    place,
                    "settlement",
                    "actor",
                    f"{phrase!r} stands for its government in {place}",
                    gc.geocode(place),
                )
            )
    return out


def _occurrences(text: str, phrase: str) -> Iterable[tuple[int, int]]:
    for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
        yield m.start(), m.end()
