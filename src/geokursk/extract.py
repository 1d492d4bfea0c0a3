"""Extraction of place mentions and claim candidates from article text.

:func:`extract_article` reads a news article (English, Russian or Ukrainian)
and returns an :class:`Extraction`: every place mention with its character
span and geocoding result, and *claim candidates* -- one per sentence that
attributes figures, places or a response to a claimant -- in the shape of the
``geokursk claims --json`` records.

Nothing is known in advance about particular places: every place name comes
from the gazetteer.

How places are found
--------------------
1. **Area phrases** ("Kursk region", "Sumy Oblast", "в Курской области",
   "Russia") are recognised by :meth:`Geocoder.find_areas`; "Kursk border
   region" and "Kursk and Belgorod regions" are read as area phrases too.
2. **Candidate names** are runs of capitalised words (Latin or Cyrillic), with
   leading function words, titles, months and weekdays stripped.  Inflected
   Cyrillic forms are tried in their dictionary form as well ("Суджи" ->
   "Суджа", "Мартыновки" -> "Мартыновка").
3. A candidate becomes a **place mention** when its whole run matches a
   gazetteer key *and* there is evidence it names a place here: a place
   word before it ("near", "in", "village of", "в районе", "біля"...), a
   place listed with it ("X, Y and Z"), a match inside the article's regions,
   or a prominent match (a capital, a country, a city of 100,000+).
   Sentence-initial common words ("Most ...") and person names ("Vladimir
   Putin": only part of the run matches) are rejected.  A name after a strong
   place pattern ("the village of X", "near X", "в районе X") is reported even
   when the gazetteer does not know it: its status is ``unresolved``.
4. **Resolution** is joint per sentence (:meth:`Geocoder.geocode_many`) and
   staged: with the areas named in the sentence, then with the areas named
   anywhere in the article, then without context -- the last stage only
   accepts prominent places (Washington, Moscow), so a village missing from
   the article's region is reported unresolved rather than matched to a
   namesake far away.

How claim candidates are built
------------------------------
Per sentence: the claimant ("X said", "according to X", "spokesperson X",
"сообщило X", "за даними X"), its side, figures with qualifier and kind
("at least 30 soldiers killed and wounded" -> ``killed_or_wounded``, 30,
``at_least``), the sentence's places with the relation the text uses, dates
(relative dates resolved against a reference date whose basis is exposed),
responses ("declined to comment", "did not reply") and links (a sentence
that "backed up" or "denied" another side's claim).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from geokursk.errors import ArticleError
from geokursk.geocode import AreaMention, Geocoder, GeocodeResult, default_geocoder
from geokursk.normalize import fold, has_cyrillic, latin_forms, name_key

__all__ = [
    "PROMINENT_POPULATION",
    "ClaimCandidate",
    "DateMention",
    "Extraction",
    "FigureCandidate",
    "PlaceMention",
    "extract_article",
    "read_article",
]

#: A place resolved without any context must be at least this prominent.
PROMINENT_POPULATION = 100_000


# --- results ---------------------------------------------------------------------


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
            **d,
        }


@dataclass(frozen=True)
class FigureCandidate:
    """A number found in a sentence, in the vocabulary of :class:`geokursk.claims.Figure`."""

    kind: str
    value: int | float | None
    qualifier: str
    subject: str
    text: str
    start: int
    end: int
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the claims-model figure (``kind, value, qualifier, subject, note``)."""
        return {
            "kind": self.kind,
            "value": self.value,
            "qualifier": self.qualifier,
            "subject": self.subject,
            "note": self.note,
        }


@dataclass(frozen=True)
class DateMention:
    """A date expression and the date it was resolved to (or None) with its basis."""

    text: str
    start: int
    end: int
    date: dt.date | None
    precision: str
    end_date: dt.date | None = None
    basis: str = ""
    role: str = "claim"  # "claim", "event" or "event_end"


@dataclass(frozen=True)
class ClaimCandidate:
    """A proposed claim found in one sentence; see :meth:`to_record`."""

    id: str
    sentence: int
    start: int
    end: int
    claimant: str
    side: str
    channel: str
    claimant_person: str | None = None
    claimant_role: str | None = None
    joint_claimants: tuple[tuple[str, str], ...] = ()
    figures: tuple[FigureCandidate, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    key_phrases: tuple[str, ...] = ()
    corroborates: tuple[str, ...] = ()
    disputes: tuple[str, ...] = ()
    responds_to: tuple[str, ...] = ()
    response: Mapping[str, str | None] | None = field(default=None, hash=False)
    notes: tuple[str, ...] = ()
    outlet: str | None = None
    published: dt.date | None = None
    claim_status: str = "claimed"

    def _date(self, role: str) -> DateMention | None:
        return next((d for d in self.dates if d.role == role and d.date is not None), None)

    def to_record(self) -> dict[str, Any]:
        """Return the claim in the ``geokursk claims --json`` shape, plus ``extraction``.

        Keys of :class:`geokursk.claims.Claim` plus the read-only
        ``claim_status`` and, per place, ``status``, ``lat``, ``lon``,
        ``matched_name``, ``place_id``, ``admin1``, ``country_code``.  The
        extra ``extraction`` object gives the sentence span and notes; drop
        it (and the read-only keys) to validate the record as a ``Claim``.
        """
        claim = self._date("claim")
        start = self._date("event")
        end = self._date("event_end")
        if start is not None and start.end_date is not None and end is None:
            end = replace(start, date=start.end_date)
        notes = [f"{d.text!r}: {d.basis}" for d in self.dates if d.basis]
        figures = ", ".join(_figure_label(f) for f in self.figures)
        where = ", ".join(f"{p.relation} {p.mention}" for p in self.places)
        paraphrase = f"{self.claimant} (candidate extracted automatically)"
        if figures:
            paraphrase += f": {figures}"
        if where:
            paraphrase += f"; places: {where}"
        return {
            "id": self.id,
            "claimant": self.claimant,
            "claimant_person": self.claimant_person,
            "claimant_role": self.claimant_role,
            "side": self.side,
            "joint_claimants": [{"claimant": c, "side": s} for c, s in self.joint_claimants],
            "outlet": self.outlet,
            "channel": self.channel,
            "made_at": None,
            "claim_date": _iso(claim.date) if claim else None,
            "claim_date_precision": claim.precision if claim else None,
            "event_start": _iso(start.date) if start else None,
            "event_start_precision": start.precision if start else None,
            "event_end": _iso(end.date) if end else None,
            "event_end_precision": end.precision if end else None,
            "date_note": "; ".join(notes) or None,
            "source": {
                "outlet": self.outlet or "unknown",
                "published": _iso(self.published),
                "published_precision": "day",
                "original_outlet": None,
                "original_published": None,
                "original_published_precision": None,
                "title": None,
                "url": None,
            },
            "paraphrase": paraphrase,
            "key_phrases": list(self.key_phrases),
            "figures": [f.to_dict() for f in self.figures],
            "places": [_claim_place(p) for p in self.places],
            "corroborates": list(self.corroborates),
            "disputes": list(self.disputes),
            "responds_to": list(self.responds_to),
            "response": dict(self.response) if self.response else None,
            "notes": "; ".join(self.notes) or None,
            "claim_status": self.claim_status,
            "extraction": {"sentence": self.sentence, "start": self.start, "end": self.end},
        }


@dataclass(frozen=True)
class Extraction:
    """Everything :func:`extract_article` found.

    Attributes
    ----------
    places : tuple of PlaceMention
        In text order; unresolved and ambiguous names are kept.
    claims : tuple of ClaimCandidate
        In text order.
    reference_date : datetime.date or None
        The date relative dates ("on Monday") were resolved against.
    date_basis : str
        Where ``reference_date`` came from (given, the text's dateline, none).
    dateline : datetime.date or None
        A date line found at the top of the text, if any.
    notes : tuple of str
        Warnings a reader should see (republication, unresolved dates...).
    """

    places: tuple[PlaceMention, ...]
    claims: tuple[ClaimCandidate, ...]
    reference_date: dt.date | None
    date_basis: str
    dateline: dt.date | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object printed by ``geokursk extract --json``."""
        return {
            "reference_date": _iso(self.reference_date),
            "date_basis": self.date_basis,
            "dateline": _iso(self.dateline),
            "notes": list(self.notes),
            "places": [p.to_dict() for p in self.places],
            "claims": [c.to_record() for c in self.claims],
        }


# --- public functions ---------------------------------------------------------------


def read_article(path: str | Path) -> str:
    """Read an article file as UTF-8 text.

    Raises
    ------
    ArticleError
        The file is missing, unreadable, binary, not UTF-8 or holds no text.

    Examples
    --------
    >>> read_article("no/such/article.txt")
    Traceback (most recent call last):
    ...
    geokursk.errors.ArticleError: article file not found: 'no/such/article.txt'
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ArticleError(f"article file not found: {str(path)!r}") from None
    except OSError as exc:
        raise ArticleError(
            f"cannot read article {str(path)!r}: {exc.strerror or exc}; give a text file"
        ) from None
    if b"\x00" in data:
        raise ArticleError(f"{str(path)!r} looks binary (NUL bytes); give a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{str(path)!r} is not UTF-8 text (byte {exc.start}); convert it to UTF-8"
        ) from None
    if not text.strip():
        raise ArticleError(f"{str(path)!r} is empty; give an article with text")
    return text


def extract_article(
    text: str,
    *,
    geocoder: Geocoder | None = None,
    published: dt.date | None = None,
    outlet: str | None = None,
) -> Extraction:
    """Find place mentions and claim candidates in an article.

    Parameters
    ----------
    text : str
        The article (English, Russian or Ukrainian).
    geocoder : Geocoder, optional
        Defaults to :func:`geokursk.geocode.default_geocoder`.
    published : datetime.date, optional
        Publication date of the report the relative dates belong to (for a
        republished report, the *original* date).  Without it the text's own
        dateline is used, with a note saying so; without either, relative
        dates stay unresolved.
    outlet : str, optional
        The outlet, copied into each candidate's ``source``.

    Returns
    -------
    Extraction

    Raises
    ------
    ArticleError
        ``text`` is not a string or holds no text.

    Examples
    --------
    >>> ex = extract_article("Shelling was reported near the village of Zeleny Shlyakh.")
    >>> [(p.mention, p.status) for p in ex.places]
    [('Zeleny Shlyakh', 'unresolved')]
    >>> extract_article("   ")
    Traceback (most recent call last):
    ...
    geokursk.extract.ArticleError: the article is empty; give text with at least one sentence
    """
    if not isinstance(text, str):
        raise ArticleError(f"the article must be text (str), not {type(text).__name__}")
    if not text.strip():
        raise ArticleError("the article is empty; give text with at least one sentence")
    gc = geocoder if geocoder is not None else default_geocoder()
    sentences = _split_sentences(text)
    dateline = _find_dateline(text)
    ref, basis, notes = _reference_date(published, dateline)
    areas = [a for a in gc.find_areas(text) if _area_ok(text, a)]
    mentions = _find_places(text, sentences, areas, gc, _authority_regions(text, gc))
    claims = _find_claims(text, sentences, mentions, ref, basis, outlet, published or ref, gc)
    if ref is None and any(d.date is None for c in claims for d in c.dates):
        notes.append("some relative dates were left unresolved: give the publication date")
    return Extraction(tuple(mentions), tuple(claims), ref, basis, dateline, tuple(notes))


# --- sentences -----------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen maj col lt capt sgt adm gov sen rep no vs etc jan feb mar apr jun "
    "jul aug sep sept oct nov dec mon tue wed thu fri sat sun u.s u.k e.g i.e approx inc "
    "corp co ltd г ул обл тыс млн им".split()
)
_SENT_END = re.compile(r"[.!?…]+[\"'”»’)]*(?=\s+[\"“«(‘']?[^\W\d_]|\s*$)|\n\s*\n", re.UNICODE)


def _split_sentences(text: str) -> list[tuple[int, int]]:
    """Return sentence spans; blank lines always end a sentence, abbreviations never do."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group(0).startswith((".", "!", "?", "…")) or m.group(0)[0] in ".!?…":
            before = re.search(r"(\S+)$", text[start : m.start()])
            word = before.group(1).lower().rstrip(".") if before else ""
            if m.group(0)[0] == "." and (word in _ABBREVIATIONS or len(word) == 1):
                continue
        end = m.end() if not m.group(0).strip() == "" else m.start()
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = m.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence_of(pos: int, sentences: Sequence[tuple[int, int]]) -> int:
    for i, (s, e) in enumerate(sentences):
        if s <= pos < e:
            return i
    return max(0, len(sentences) - 1)


# --- words, stop lists ---------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"[’']s?$")

# Capitalised words that start sentences or titles and are never place names here.
_STOP_WORDS = frozenset(
    """
    a an the this that these those it its he she they we i you his her their our my
    and or but nor so yet for of in on at by to from with into onto over under near
    as after before since until while when where why how what which who whom whose
    also both either neither each every all any some most many much more few several
    such other another same only even just still already however meanwhile moreover
    there here then thus therefore although though because if unless whether not no
    according speaking asked earlier later last next first second third
    mr mrs ms dr gen general major colonel lieutenant captain sergeant president
    minister spokesperson spokesman spokeswoman commander chief head deputy governor
    mayor prime secretary officials official sources source update breaking
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec
    в во на по из у к с со о об от до за под над при про для как также кроме
    и а но или же ли не ни что это этот эта эти он она они его её их мы вы
    згідно у в на з із за до від під над при про для як також та і й але чи не
    це цей ця ці він вона вони його її їх ми ви
    """.split()
)
_TITLE_WORDS = frozenset(
    """
    mr mrs ms dr gen general major major-general lieutenant lieutenant-general colonel
    captain sergeant admiral president minister spokesperson spokesman spokeswoman
    commander chief governor mayor premier secretary ambassador envoy senator
    генерал генерал-майор генерал-лейтенант полковник президент министр губернатор
    пресс-секретарь представитель глава командующий речник президента
    """.split()
)


def _month_numbers(*spellings: str) -> dict[str, int]:
    """Map each month word (one line per language or case, January first) to 1-12."""
    table: dict[str, int] = {}
    for line in spellings:
        table.update({w: i + 1 for i, w in enumerate(line.split())})
    return table


_MONTHS = {
    **_month_numbers(
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре",
        "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
        "січні лютому березні квітні травні червні липні серпні вересні жовтні листопаді грудні",
    ),
    "sept": 9,
}
_WEEKDAYS = {
    **{
        d: i
        for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())
    },
    **{
        d: i
        for i, d in enumerate(
            "понедельник вторник среду четверг пятницу субботу воскресенье".split()
        )
    },
    **{
        d: i for i, d in enumerate("понеділок вівторок середу четвер пятницю суботу неділю".split())
    },
}
_RELATIVE_DAYS = {
    "today": 0,
    "yesterday": -1,
    "сегодня": 0,
    "вчера": -1,
    "позавчера": -2,
    "сьогодні": 0,
    "вчора": -1,
}

# Place words before a name -> relation; strong ones make an unknown name a place too.
_STRONG_TRIGGERS: tuple[tuple[str, str], ...] = (
    ("in the area of the village of", "in the area of"),
    ("in the area of the town of", "in the area of"),
    ("in the area of", "in the area of"),
    ("in the vicinity of", "near"),
    ("on the outskirts of", "near"),
    ("outskirts of", "near"),
    ("near the village of", "near"),
    ("near the town of", "near"),
    ("near the villages of", "near"),
    ("near the settlement of", "near"),
    ("in the village of", "in"),
    ("in the villages of", "in"),
    ("in the town of", "in"),
    ("the villages of", "in"),
    ("the village of", "in"),
    ("the town of", "in"),
    ("the settlement of", "in"),
    ("village of", "in"),
    ("villages of", "in"),
    ("town of", "in"),
    ("close to", "near"),
    ("near", "near"),
    ("outside", "near"),
    ("в районе населенного пункта", "in the area of"),
    ("в районе населённого пункта", "in the area of"),
    ("в районе", "in the area of"),
    ("в районі", "in the area of"),
    ("под", "near"),
    ("возле", "near"),
    ("около", "near"),
    ("близ", "near"),
    ("біля", "near"),
    ("поблизу", "near"),
    ("неподалік", "near"),
    ("села", "in"),
    ("село", "in"),
    ("селе", "in"),
    ("селі", "in"),
    ("поселка", "in"),
    ("посёлка", "in"),
    ("поселке", "in"),
    ("посёлке", "in"),
    ("селища", "in"),
    ("хутора", "in"),
    ("деревни", "in"),
    ("населенного пункта", "in"),
    ("населённого пункта", "in"),
)
_WEAK_TRIGGERS: tuple[tuple[str, str], ...] = (
    ("around", "around"),
    ("in", "in"),
    ("at", "at"),
    ("from", "from"),
    ("to", "to"),
    ("towards", "to"),
    ("toward", "to"),
    ("into", "to"),
    ("в", "in"),
    ("во", "in"),
    ("на", "in"),
    ("у", "in"),
    ("из", "from"),
    ("з", "from"),
    ("к", "to"),
    ("до", "to"),
)
_GENERIC_TAIL = frozenset(
    "direction axis front sector area border frontline направление направлении напрямок "
    "напрямку".split()
)
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s*(?:and|or|и|или|та|і|й|а также))\s*$", re.IGNORECASE)
_AREA_AFTER = re.compile(
    r"^\s+(?:(?:border|frontier|southern|northern|western|eastern|neighbouring|neighboring)\s+)?"
    r"(region|oblast|district|raion|province)\b",
    re.IGNORECASE,
)
_AREA_LIST_AFTER = re.compile(
    r"^\s*(?:,|and|or)\s+[^\W\d_][\w'’-]*\s+(regions|oblasts|districts|provinces)\b",
    re.IGNORECASE,
)


def _area_ok(text: str, area: AreaMention) -> bool:
    """Keep an area phrase unless it is part of a longer capitalised name ("Ukraine Air")."""
    if not area.text[:1].isupper():
        return False  # "кроме того" is not Togo
    if _POSSESSIVE.search(area.text) and area.text[-1:] in "sS":
        return True  # "Russia's Kursk region"
    after = text[area.end : area.end + 40]
    nxt = re.match(r"\s([^\W\d_][\w-]*)", after)
    if area.level == "country" and nxt and nxt.group(1)[0].isupper():
        # "Ukraine Defence Ministry" is an organisation; "Ukraine Monday" is not a thing.
        return nxt.group(1).lower() in _STOP_WORDS
    return True


# --- places ----------------------------------------------------------------------------


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


def _find_places(
    text: str,
    sentences: Sequence[tuple[int, int]],
    areas: Sequence[AreaMention],
    gc: Geocoder,
    implied: Sequence[str] = (),
) -> list[PlaceMention]:
    theatre = "; ".join(x for x in (_theatre(areas), *implied) if x) or None
    cands: list[_Cand] = []
    taken: list[tuple[int, int]] = []
    for a in areas:
        mention = _POSSESSIVE.sub("", a.text) if a.level == "country" else a.text
        s_idx = _sentence_of(a.start, sentences)
        rel = _trigger(text, a.start, sentences[s_idx][0])[0] or "in"
        cands.append(
            _Cand(a.start, a.start + len(mention), mention, mention, s_idx, rel, "area phrase")
        )
        cands[-1].area = True
        taken.append((a.start, a.end))
    prev: _Cand | None = None
    for s_idx, (s_start, s_end) in enumerate(sentences):
        for whole in _capitalised_runs(text, s_start, s_end):
            run = [t for t in whole if not any(a < t[2] and t[1] < b for a, b in taken)]
            if not run:
                continue
            if len(run) != len(whole):
                # Keep the words before an area phrase: "Воробжи [Курской области]".
                first_taken = next(
                    i for i, t in enumerate(whole) if any(a < t[2] and t[1] < b for a, b in taken)
                )
                run = whole[:first_taken]
                if not run:
                    continue
            cand = _judge_run(text, run, s_idx, s_start, theatre, gc, prev)
            if cand is not None:
                cands.append(cand)
                taken.append((cand.start, cand.end))
                prev = cand
    cands.sort(key=lambda c: c.start)
    return _resolve(cands, sentences, text, theatre, gc)


_AUTHORITY_REGION = re.compile(
    r"([A-ZА-ЯЁІЇЄ][\w’'-]{3,})\s+(?:обласн\w*|областн\w*|ОВА|ОДА|governor|"
    r"regional (?:military )?administration)",
)


def _authority_regions(text: str, gc: Geocoder) -> list[str]:
    """Return regions named only through their authority, as area queries.

    "Харківській обласній військовій адміністрації", "Харківська ОВА", "Belgorod
    governor" place the article in a region although no "... область" is written.
    """
    out: list[str] = []
    for m in _AUTHORITY_REGION.finditer(text):
        for form in _lookup_forms(m.group(1)):
            query = f"{form} область"
            found = [a for a in gc.find_areas(query) if a.level == "admin1"]
            if found:
                out.append(query)
                break
    return list(dict.fromkeys(out))


def _theatre(areas: Sequence[AreaMention]) -> str | None:
    regional = [a for a in areas if a.level in ("admin1", "admin2")]
    chosen = regional or list(areas)
    labels = dict.fromkeys(_POSSESSIVE.sub("", a.text) for a in chosen)
    return "; ".join(labels) or None


def _capitalised_runs(text: str, s_start: int, s_end: int) -> list[list[tuple[str, int, int]]]:
    """Return runs of capitalised words separated by single spaces, minus leading stop words."""
    runs: list[list[tuple[str, int, int]]] = []
    cur: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text, s_start, s_end):
        word, start, end = m.group(0), m.start(), m.end()
        possessive = bool(re.search(r"[’']s$", word)) and not has_cyrillic(word)
        if possessive:
            word, end = word[:-2], end - 2
        gap = text[cur[-1][2] : start] if cur else ""
        if word[0].isupper() and (not cur or re.fullmatch(r"[ \t\n]", gap) is not None):
            cur.append((word, start, end))
        else:
            if cur:
                runs.append(cur)
            cur = [(word, start, end)] if word[0].isupper() else []
        if possessive and cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    out = []
    for run in runs:
        while run and (run[0][0].lower() in _STOP_WORDS or run[0][0].lower() in _TITLE_WORDS):
            run = run[1:]
        if run:
            out.append(run)
    return out


def _trigger(text: str, start: int, s_start: int) -> tuple[str | None, bool]:
    """Return the relation a place word before ``start`` gives, and whether it is strong."""
    before = " " + fold(text[max(s_start, start - 60) : start])
    for phrase, rel in _STRONG_TRIGGERS:
        if before.endswith(" " + fold(phrase)):
            return rel, True
    for phrase, rel in _WEAK_TRIGGERS:
        if before.endswith(" " + phrase):
            if phrase == "у" and not re.search("[іїєґ]", text[s_start : start + 200]):
                return "near", False  # Russian "у Мартыновки" is "near", Ukrainian "у" is "in"
            return rel, False
    return None, False


def _lookup_forms(name: str) -> list[str]:
    """Return the name, then dictionary forms of an inflected Cyrillic name (likeliest first)."""
    if not has_cyrillic(name):
        return [name]
    words = name.split()
    variants = [_cyrillic_lemmas(w) for w in words]
    forms = [name]
    for i in range(max(len(v) for v in variants)):
        forms.append(" ".join(v[min(i, len(v) - 1)] for v in variants))
    return list(dict.fromkeys(forms))


# Case endings of Russian/Ukrainian place names and the nominative endings they come from.
_CASE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ого", ("ое", "е", "ий", "ый")),
    ("ому", ("ое", "е", "ий")),
    ("ской", ("ская",)),
    ("ською", ("ська",)),
    ("ській", ("ська",)),
    ("ой", ("а", "ая")),
    ("ою", ("а",)),
    ("ом", ("", "о")),
    ("ов", ("ы", "и", "")),
    ("ів", ("и", "і", "")),
    ("ем", ("ь", "е")),
    ("ей", ("а", "ь", "я")),
    ("ы", ("а",)),
    ("и", ("а", "я", "ь")),
    ("і", ("а", "ь", "я")),
    ("е", ("а", "о", "", "я")),
    ("у", ("а", "")),
    ("ю", ("я", "ь")),
    ("а", ("",)),
    ("я", ("ь",)),
)


def _cyrillic_lemmas(word: str) -> list[str]:
    low = word.lower()
    out = [word]
    for ending, repl in _CASE_ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            base = word[: len(word) - len(ending)]
            out.extend(base + r for r in repl)
            break
    return out


def _judge_run(
    text: str,
    run: Sequence[tuple[str, int, int]],
    s_idx: int,
    s_start: int,
    theatre: str | None,
    gc: Geocoder,
    prev: _Cand | None,
) -> _Cand | None:
    start, end = run[0][1], run[-1][2]
    mention = text[start:end]
    words = [w for w, _, _ in run]
    low = [w.lower() for w in words]
    if all(w in _STOP_WORDS or w in _MONTHS or w in _WEEKDAYS for w in low):
        return None
    if len(words) > 1 and low[-1] in _GENERIC_TAIL:
        # "Kharkiv direction", "Zaporizhzhia front": the name without the military term.
        run = run[:-1]
        end = run[-1][2]
        mention, words, low = text[start:end], words[:-1], low[:-1]
    acronym = len(words) == 1 and words[0].isupper() and len(words[0]) <= 4
    rel, strong = _trigger(text, start, s_start)
    listed = (
        prev is not None
        and prev.sentence == s_idx
        and _LIST_GAP.match(text[prev.end : start]) is not None
    )
    if listed and prev is not None and rel is None:
        rel, strong = prev.relation, prev.strong
    after_title = re.search(r"([\w-]+)\W*$", text[max(s_start, start - 30) : start])
    if after_title and after_title.group(1).lower() in _TITLE_WORDS:
        return None  # "President Vladimir Putin", "spokesperson Pat Ryder"
    area_q = _area_query(text, mention, end)
    if area_q is not None:
        found = gc.find_areas(area_q[0])
        if found:
            return _Cand(
                start,
                area_q[1],
                text[start : area_q[1]],
                area_q[0],
                s_idx,
                rel or "in",
                "area phrase",
                strong,
                area=True,
            )
    query, hits = _gazetteer_hits(gc, mention)
    if acronym and not any(h.kind == "name" and _prominent(h) for h in hits):
        return None  # acronyms (GUR, RT, US, ВСУ) unless a prominent name (KYIV in a dateline)
    sentence_initial = not text[s_start:start].strip(" \"“«‘'(")
    common = sentence_initial and (
        low[0] in _STOP_WORDS or re.search(rf"\b{re.escape(low[0])}\b", text) is not None
    )
    if hits and rel is None and not listed:
        # Without a place word before it, only a primary name counts ("Al" is an
        # alternate name of Halle, "Part" of some town): and never a sentence's first word
        # when that word is also an ordinary word elsewhere.
        hits = [h for h in hits if h.kind == "name"]
        if not hits:
            return None
    if hits:
        prominent = any(_prominent(h) for h in hits)
        in_theatre = theatre is not None and _in_theatre(gc, hits, theatre)
        reasons = []
        if rel is not None:
            reasons.append(f"place word before it ({rel})")
        if listed:
            reasons.append("listed with another place")
        if in_theatre:
            reasons.append("gazetteer match inside the article's regions")
        if prominent:
            reasons.append("prominent gazetteer match")
        if common and rel is None:
            return None
        if reasons:
            return _Cand(
                start,
                end,
                mention,
                query,
                s_idx,
                rel or "in",
                "gazetteer match; " + ", ".join(reasons),
                strong,
            )
        return None
    if common:
        return None
    if strong or (listed and prev is not None and prev.strong):
        if len(words) > 1 and any(_gazetteer_hits(gc, w)[1] for w in words) and not strong:
            return None
        near = _near_match(gc, query)
        how = "spelling variant in the gazetteer" if near else "not in the gazetteer"
        return _Cand(
            start,
            end,
            mention,
            query,
            s_idx,
            rel or "near",
            f"strong place pattern ({rel}); {how}",
            True,
        )
    return None


def _area_query(text: str, mention: str, end: int) -> tuple[str, int] | None:
    """``Kursk border region`` -> ("Kursk region", end); ``Kursk and Belgorod regions`` too."""
    after = text[end : end + 60]
    m = _AREA_AFTER.match(after)
    if m:
        return f"{mention} {m.group(1)}", end + m.end()
    m = _AREA_LIST_AFTER.match(after)
    if m:
        word = m.group(1)[:-1]
        return f"{mention} {word}", end
    return None


def _gazetteer_hits(gc: Geocoder, name: str) -> tuple[str, list[Any]]:
    for form in _lookup_forms(name):
        hits = gc.gazetteer.by_keys(latin_forms(form))
        if hits:
            return form, hits
    return name, []


def _near_match(gc: Geocoder, name: str) -> bool:
    if not any(ch.isalpha() for ch in name):
        return False
    r = gc.geocode(name)
    return r.place is not None or bool(r.alternatives)


def _names_actor(text: str, c: _Cand) -> bool:
    """Return True when an area names who speaks, not where ("Russia's Defence Ministry").

    Such an area ("Минобороны России" too) must not steer where the sentence's
    villages are resolved.
    """
    after = text[c.end : c.end + 40]
    before = text[max(0, c.start - 30) : c.start]
    owner = re.match(r"[’']s((?:\s+[A-Z][\w-]*){1,3})", after)
    if owner and _ORG_NOUNS.search(owner.group(1)):
        return True
    prev = re.search(r"([\w-]+)\s+$", before)
    return bool(prev and _ORG_NOUNS.match(prev.group(1)))


def _prominent(hit: Any) -> bool:
    p = hit.place
    if not p.ok:
        return False
    return (
        p.feature_code in ("PPLC", "PPLA", "ADM1")
        or p.feature_code.startswith("PCL")
        or (p.population or 0) >= PROMINENT_POPULATION
    )


def _in_theatre(gc: Geocoder, hits: Iterable[Any], theatre: str) -> bool:
    areas = gc.find_areas(theatre)
    codes = {p.admin1_code for a in areas if a.level != "country" for p in a.places}
    countries = {p.country_code for a in areas for p in a.places}
    for h in hits:
        if not h.place.ok:
            continue
        if codes and h.place.admin1_code in codes:
            return True
        if not codes and h.place.country_code in countries:
            return True
    return False


def _resolve(
    cands: Sequence[_Cand],
    sentences: Sequence[tuple[int, int]],
    text: str,
    theatre: str | None,
    gc: Geocoder,
) -> list[PlaceMention]:
    out: list[PlaceMention] = []
    by_sentence: dict[int, list[_Cand]] = {}
    for c in cands:
        by_sentence.setdefault(c.sentence, []).append(c)
    for s_idx, group in sorted(by_sentence.items()):
        sentence_areas = [c.query for c in group if c.area and not _names_actor(text, c)]
        chosen: dict[int, tuple[GeocodeResult, str | None]] = {}
        for i, c in enumerate(group):
            if c.area:
                chosen[i] = (gc.geocode(c.query), None)
        pending = [i for i, c in enumerate(group) if not c.area]
        stages: list[tuple[str | None, str]] = []
        if sentence_areas:
            stages.append(("; ".join(sentence_areas), "sentence"))
        if theatre is not None:
            stages.append((theatre, "article"))
        stages.append((theatre, "co-mentions"))
        stages.append((None, "none"))
        first: dict[int, tuple[GeocodeResult, str | None]] = {}
        for ctx, stage in stages:
            if not pending:
                break
            queries = [group[i].query for i in pending]
            if stage == "co-mentions":
                # Places named elsewhere in the article support each other too.
                others = [c.query for c in cands if not c.area and c.sentence != s_idx]
                results = gc.geocode_many([*queries, *others], context=ctx)[: len(queries)]
            else:
                results = gc.geocode_many(queries, context=ctx)
            still = []
            for i, r in zip(pending, results, strict=True):
                first.setdefault(i, (r, ctx))
                ok = r.status == "resolved" and r.place is not None
                if ok and stage == "none" and r.place is not None:
                    ok = _prominent_place(r.place)
                    if ok and theatre is not None:
                        r = replace(
                            r,
                            reason=r.reason + "; outside the article's regions, "
                            "accepted as a prominent place",
                        )
                if ok:
                    chosen[i] = (r, ctx)
                else:
                    still.append(i)
            pending = still
        for i in pending:
            chosen[i] = first[i]
        for i, c in enumerate(group):
            r, ctx = chosen[i]
            out.append(
                PlaceMention(
                    c.mention, c.start, c.end, c.query, c.sentence, c.relation, c.evidence, r, ctx
                )
            )
    out.sort(key=lambda m: m.start)
    return out


def _prominent_place(p: Any) -> bool:
    return bool(
        p.ok
        and (
            p.is_area
            or p.feature_code in ("PPLC", "PPLA")
            or (p.population or 0) >= PROMINENT_POPULATION
        )
    )


# --- dates ----------------------------------------------------------------------------

_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted((re.escape(d) for d in _WEEKDAYS), key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    (
        "d-d-month",
        re.compile(
            rf"\b(\d{{1,2}}){_ORD}\s*(?:and|to|-|–|и|та|по)\s*(\d{{1,2}}){_ORD}\s+({_MONTH_RE})\.?"
            r"(?:,?\s+(\d{4}))?(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        "day-month",
        re.compile(
            rf"\b(\d{{1,2}}){_ORD}\s+({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?(?!\w)", re.IGNORECASE
        ),
    ),
    (
        "month-day",
        re.compile(
            rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}){_ORD}(?!\d)(?:,?\s+(\d{{4}}))?", re.IGNORECASE
        ),
    ),
    ("month", re.compile(rf"\b({_MONTH_RE})(?:\s+(\d{{4}}))?(?!\w)", re.IGNORECASE)),
    ("weekday", re.compile(rf"(?<!\w)({_WEEKDAY_RE})(?!\w)", re.IGNORECASE)),
    (
        "relative",
        re.compile(
            r"(?<!\w)(today|yesterday|сегодня|вчера|позавчера|сьогодні|вчора)(?!\w)", re.IGNORECASE
        ),
    ),
)
_EVENT_WORDS = re.compile(
    r"(fight|fought|battle|clash|attack|strike|shell|killed|wounded|injured|missing|"
    r"captured|assault|incursion|offensive|бо[яеий]|атак|удар|обстрел|убит|ранен|погиб|"
    r"штурм|наступ|обстріл|загин|поранен)\w*\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)

_EVENT_AFTER = re.compile(
    r"\s+(?:killed|wounded|injured|hit|struck|загинул|загинув|погиб|ранен|поранен)",
    re.IGNORECASE,
)


def _find_dates(
    text: str, start: int, end: int, ref: dt.date | None, basis: str
) -> list[DateMention]:
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    seg = text[start:end]
    for kind, pat in _DATE_PATTERNS:
        for m in pat.finditer(seg):
            a, b = start + m.start(), start + m.end()
            if any(x < b and a < y for x, y in taken):
                continue
            dm = _date_from_match(kind, m, ref, basis, a, b)
            if dm is None:
                continue
            taken.append((a, b))
            found.append(dm)
    found.sort(key=lambda d: d.start)
    return [_date_role(text, start, d) for d in found]


def _date_from_match(
    kind: str, m: re.Match[str], ref: dt.date | None, basis: str, a: int, b: int
) -> DateMention | None:
    g = m.groups()
    words = m.group(0)
    try:
        if kind == "iso":
            iso = dt.date(int(g[0]), int(g[1]), int(g[2]))
            return DateMention(words, a, b, iso, "day", basis="explicit date")
        if kind == "d-d-month":
            month = _MONTHS[g[2].lower()]
            d1, why = _with_year(int(g[0]), month, g[3], ref, basis)
            d2, _ = _with_year(int(g[1]), month, g[3], ref, basis)
            return DateMention(words, a, b, d1, "day", end_date=d2, basis=why)
        if kind in ("day-month", "month-day"):
            day, mon = (g[0], g[1]) if kind == "day-month" else (g[1], g[0])
            dd, why = _with_year(int(day), _MONTHS[mon.lower()], g[2], ref, basis)
            return DateMention(words, a, b, dd, "day", basis=why)
    except ValueError:
        return None
    if kind == "month":
        if g[0].lower() == "may" and g[1] is None:
            return None  # usually the verb "may"; "May 2024" keeps its year
        if g[0][0].islower() and not has_cyrillic(g[0]):
            return None
        dm, why = _with_year(1, _MONTHS[g[0].lower()], g[1], ref, basis)
        return DateMention(words, a, b, dm, "month", basis=why)
    if kind == "weekday":
        wd = _WEEKDAYS[g[0].lower()]
        if ref is None:
            return DateMention(words, a, b, None, "day", basis="weekday without reference date")
        d = ref - dt.timedelta(days=(ref.weekday() - wd) % 7)
        return DateMention(
            words,
            a,
            b,
            d,
            "day",
            basis=f"weekday counted back from {ref.isoformat()} ({basis}) to {d:%A %d %B %Y}",
        )
    if kind == "relative":
        if ref is None:
            return DateMention(words, a, b, None, "day", basis="relative day without reference")
        d = ref + dt.timedelta(days=_RELATIVE_DAYS[g[0].lower()])
        return DateMention(words, a, b, d, "day", basis=f"relative to {ref.isoformat()} ({basis})")
    return None


def _with_year(
    day: int, month: int, year: str | None, ref: dt.date | None, basis: str
) -> tuple[dt.date | None, str]:
    if year is not None:
        return dt.date(int(year), month, day), "explicit date"
    if ref is None:
        return None, "no year given and no reference date"
    d = dt.date(ref.year, month, day)
    if d > ref:
        d = dt.date(ref.year - 1, month, day)
    return d, f"no year given: latest such date not after {ref.isoformat()} ({basis})"


def _date_role(text: str, s_start: int, d: DateMention) -> DateMention:
    before = text[max(s_start, d.start - 60) : d.start]
    if re.search(r"(as of|as at|по состоянию на|станом на)\s*$", before, re.IGNORECASE):
        return replace(d, role="event_end")
    if d.end_date is not None or _EVENT_WORDS.search(before):
        return replace(d, role="event")
    if _EVENT_AFTER.match(text, d.end):
        return replace(d, role="event")  # "shelling ... on Tuesday killed two"
    return d


_DATELINE_LINE = re.compile(
    rf"^\W*(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*\.?,?\s+)?"
    rf"(?:({_MONTH_RE})\.?\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}})|(\d{{1,2}}){_ORD}\s+({_MONTH_RE})\.?,?\s+"
    rf"(\d{{4}})|(\d{{4}})-(\d{{2}})-(\d{{2}}))\W*$",
    re.IGNORECASE,
)


def _find_dateline(text: str) -> dt.date | None:
    """Return the date of a line near the top that is only a date ("Fri. Jan 17th, 2025")."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:4]
    for ln in lines:
        m = _DATELINE_LINE.match(ln)
        if not m:
            continue
        g = m.groups()
        try:
            if g[0]:
                return dt.date(int(g[2]), _MONTHS[g[0].lower()], int(g[1]))
            if g[3]:
                return dt.date(int(g[5]), _MONTHS[g[4].lower()], int(g[3]))
            return dt.date(int(g[6]), int(g[7]), int(g[8]))
        except ValueError:
            continue
    return None


def _reference_date(
    published: dt.date | None, dateline: dt.date | None
) -> tuple[dt.date | None, str, list[str]]:
    notes: list[str] = []
    if published is not None:
        if dateline is not None and dateline != published:
            notes.append(
                f"the text's own dateline says {dateline.isoformat()}, not the given "
                f"publication date {published.isoformat()}: it looks like a republication; "
                f"relative dates were resolved against {published.isoformat()}"
            )
        return published, "given publication date", notes
    if dateline is not None:
        notes.append(
            f"no publication date was given; relative dates were resolved against the "
            f"text's own dateline {dateline.isoformat()}, which may be a republication date "
            "(pass the original publication date to override)"
        )
        return dateline, "dateline at the top of the text", notes
    notes.append("no publication date given and no dateline found: relative dates unresolved")
    return None, "none", notes


# --- figures ---------------------------------------------------------------------------

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_CYR_NUMBERS = {
    "один": 1, "одна": 1, "два": 2, "две": 2, "двое": 2, "три": 3, "трое": 3, "четыре": 4,
    "четверо": 4, "пять": 5, "пятеро": 5, "шесть": 6, "шестеро": 6, "семь": 7, "семеро": 7,
    "восемь": 8, "девять": 9, "десять": 10, "двадцать": 20, "тридцать": 30, "сорок": 40,
    "пятьдесят": 50, "сто": 100, "дві": 2, "троє": 3, "чотири": 4,
    "пʼять": 5, "п'ять": 5, "п’ять": 5, "шість": 6, "сім": 7, "вісім": 8, "дев'ять": 9,
    "двадцять": 20, "тридцять": 30,
    # Ukrainian collectives and the oblique cases both languages use after prepositions
    # and qualifiers ("около десяти человек", "щонайменше трьох").
    "одного": 1, "одной": 1, "однієї": 1, "двоє": 2, "двух": 2, "двох": 2,
    "трех": 3, "трёх": 3, "трьох": 3, "четырех": 4, "четырёх": 4, "чотирьох": 4,
    "п'ятеро": 5, "п’ятеро": 5, "пʼятеро": 5, "пяти": 5, "п'яти": 5, "п’яти": 5,
    "шести": 6, "семи": 7, "восьми": 8, "дев’ять": 9, "девяти": 9,
    "дев'яти": 9, "дев’яти": 9, "десяти": 10, "двадцати": 20,
    "двадцяти": 20, "тридцати": 30, "тридцяти": 30, "сорока": 40, "пятидесяти": 50,
    "п'ятдесят": 50, "п’ятдесят": 50, "одиннадцать": 11, "двенадцать": 12, "пятнадцать": 15,
}  # fmt: skip
_MULTIPLIERS = {
    "hundred": 100, "thousand": 1000, "million": 1_000_000, "тысяч": 1000, "тысячи": 1000,
    "тысяча": 1000, "тыс": 1000, "миллион": 1_000_000, "миллиона": 1_000_000, "млн": 1_000_000,
    "тисяч": 1000, "тисячі": 1000, "тис": 1000, "мільйон": 1_000_000, "мільйона": 1_000_000,
}  # fmt: skip
# Vague quantities: word -> (lower bound, qualifier)
_VAGUE = {
    "dozens": (24, "at_least"), "a dozen": (12, "about"), "scores": (40, "at_least"),
    "hundreds": (200, "at_least"), "thousands": (2000, "at_least"),
    "a handful": (None, "unspecified"), "several": (None, "unspecified"),
    "a number": (None, "unspecified"), "десятки": (20, "at_least"),
    "десятков": (20, "at_least"), "сотни": (200, "at_least"), "сотен": (200, "at_least"),
    "тысячи": (2000, "at_least"), "несколько": (None, "unspecified"),
    "сотні": (200, "at_least"), "кілька": (None, "unspecified"),
    "half a million": (500_000, "exact"),
}  # fmt: skip
_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("at least", "at_least"), ("no fewer than", "at_least"), ("no less than", "at_least"),
    ("not less than", "at_least"), ("a minimum of", "at_least"), ("не менее", "at_least"),
    ("не меньше", "at_least"), ("по меньшей мере", "at_least"), ("как минимум", "at_least"),
    ("минимум", "at_least"), ("щонайменше", "at_least"), ("не менше", "at_least"),
    ("принаймні", "at_least"), ("more than", "more_than"), ("over", "more_than"),
    ("upwards of", "more_than"), ("in excess of", "more_than"), ("более", "more_than"),
    ("свыше", "more_than"), ("больше", "more_than"), ("понад", "more_than"),
    ("більше", "more_than"), ("almost", "almost"), ("nearly", "almost"), ("почти", "almost"),
    ("майже", "almost"), ("an estimated", "about"), ("some", "about"), ("about", "about"),
    ("around", "about"), ("roughly", "about"), ("approximately", "about"), ("около", "about"),
    ("порядка", "about"), ("примерно", "about"), ("близько", "about"),
    ("приблизно", "about"), ("up to", "at_most"), ("at most", "at_most"), ("до", "at_most"),
    ("fewer than", "less_than"), ("less than", "less_than"), ("under", "less_than"),
    ("менее", "less_than"), ("менше", "less_than"),
)  # fmt: skip
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (r"casualt|убитыми и ранеными|убитых и раненых|загиблими та пораненими|санитарн", "both"),
    (r"kill(?:ed|ing|s)?\b|dead|died|deaths?\b|lost their lives|убит|погиб|ликвидир|уничтож|"
     r"загин|вбит|знищ", "killed"),
    (r"wound(?:ed|ing)|injur(?:ed|ing|ies)|ранен|поранен", "wounded"),
    (r"missing|пропал|безвест|зник", "missing"),
    (r"captured|taken prisoner|prisoners?\b|surrendered|в плен|пленен|взят\w* в|полон", "captured"),
    (r"deployed|\bsent\b|posted|stationed|arrived|transferred|направлен|переброш|развернут|"
     r"размещ|відправ|перекину", "deployed"),
    (r"recruit|завербова|вербов", "recruited"),
    (r"loss|\blost\b|потер|втрат", "personnel_losses"),
)  # fmt: skip
_PEOPLE = re.compile(
    r"\b(soldiers?|troops|servicem[ae]n|service members|personnel|fighters|men|people|"
    r"civilians|mercenaries|militants|officers|residents|conscripts|marines|others|occupiers|"
    r"m[ae]n|wom[ae]n|child(?:ren)?|boys?|girls?|teenagers?|persons?|individuals|"
    r"мужчин\w*|женщин\w*|дет(?:и|ей)|ребен\w*|ребён\w*|чоловік\w*|жін\w*|діт(?:и|ей)|дитин\w*|"
    r"оккупант\w*|"
    r"военнослужащ\w*|военн\w*|солдат\w*|бойц\w*|человек|мирн\w* жител\w*|жител\w*|наемник\w*|"
    r"боевик\w*|військов\w*|бійц\w*|бійців|солдатів|осіб|людей|цивільн\w*|окупант\w*)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+(?:[.,]\d+)?)"
    r"(?:\s*(thousand|million|тысяч[аи]?|тыс\.?|млн\.?|тисяч[іа]?|тис\.?|мільйон[аів]*))?"
    r"(?![\w])",
    re.IGNORECASE,
)


def _word_number_re() -> re.Pattern[str]:
    simple = sorted([*_UNITS, *_TENS, *_CYR_NUMBERS, *_VAGUE], key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in simple)
    return re.compile(
        rf"(?<!\w)((?:{alt})(?:[- ](?:{'|'.join(_UNITS)}))?)"
        rf"(?:\s+(hundred|thousand|million))?(?!\w)",
        re.IGNORECASE,
    )


_WORD_NUMBER = _word_number_re()
_RANGE = re.compile(r"^\s*(?:to|-|–|—|or|до)\s*(\d[\d,\u00a0 ]*\d|\d|[^\W\d_]+)", re.IGNORECASE)


def _parse_word_number(words: str, mult: str | None) -> tuple[int | None, str]:
    w = words.lower().replace("-", " ")
    if w in _VAGUE:
        v, q = _VAGUE[w]
        return v, q
    parts = w.split()
    value = 0
    for p in parts:
        if p in _UNITS:
            value += _UNITS[p]
        elif p in _TENS:
            value += _TENS[p]
        elif p in _CYR_NUMBERS:
            value += _CYR_NUMBERS[p]
        else:
            return None, "unspecified"
    if mult:
        value *= _MULTIPLIERS[mult.lower()]
    return value, "exact"


def _parse_digits(digits: str, mult: str | None) -> float | int:
    raw = re.sub(r"[\u00a0\u202f ]", "", digits)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
        raw = raw.replace(",", "")
    value: float = float(raw.replace(",", "."))
    if mult:
        key = mult.lower().rstrip(".")
        key = next((k for k in _MULTIPLIERS if key.startswith(k)), key)
        value *= _MULTIPLIERS.get(key, 1)
    return int(value) if value == int(value) else value


def _find_figures(
    text: str, start: int, end: int, dates: Sequence[DateMention]
) -> list[FigureCandidate]:
    seg = text[start:end]
    numbers: list[tuple[int, int, float | int | None, str, str | None]] = []
    for m in _NUMBER.finditer(seg):
        numbers.append((m.start(), m.end(), _parse_digits(m.group(1), m.group(2)), "exact", None))
    for m in _WORD_NUMBER.finditer(seg):
        if any(a < m.end() and m.start() < b for a, b, *_ in numbers):
            continue
        wvalue, qual = _parse_word_number(m.group(1), m.group(2))
        if wvalue is None and qual != "unspecified":
            continue
        note = f"{m.group(0)!r} in the text" if m.group(1).lower() in _VAGUE else None
        numbers.append((m.start(), m.end(), wvalue, qual, note))
    numbers.sort()
    out: list[FigureCandidate] = []
    skip_until = -1
    for a, b, value, qual, note in numbers:
        if a < skip_until:
            continue
        abs_a = start + a
        if any(d.start <= abs_a < d.end for d in dates):
            continue
        if isinstance(value, int) and 1900 <= value <= 2100 and qual == "exact":
            continue
        fig_start = a
        rng = _RANGE.match(seg[b:])
        if rng:
            hi = _range_value(rng.group(1))
            if hi is not None and value is not None and hi > value:
                note = f"range {value} to {hi} in the text"
                qual = "at_least"
                b = b + rng.end()
                skip_until = b
        if qual in ("exact",):
            q = _qualifier_before(seg[:a])
            if q is not None:
                qual, fig_start = q[0], a - q[1]
        after = _clause(seg[b:], forward=True)
        before = _clause(seg[:fig_start], forward=False)
        if not _counts_people(after):
            continue  # "two tanks", "three armoured vehicles", "20 km"
        # Several figures in one clause ("killed two civilians and wounded at least nine
        # others"): each number's kind is read up to the next number, falling back to the
        # whole clause for a shared verb ("two soldiers and three civilians were killed").
        nxt = next((n[0] for n in numbers if n[0] >= b), None)
        own = after[: nxt - b] if nxt is not None else after
        kind = _choose_kind(_kind(own), _kind(before[-80:], backwards=True))
        if kind is None:
            kind = _choose_kind(_kind(after), None)
        if kind is None:
            continue
        subject = _subject(after) or _subject(before[-60:])
        if subject is None:
            continue
        subject = " ".join(_enrich_subject(subject, seg).split())
        out.append(
            FigureCandidate(
                kind, value, qual, subject, seg[fig_start:b], start + fig_start, start + b, note
            )
        )
    if not out:
        m_unspec = re.search(
            r"(troops|soldiers|servicem[ae]n)\s+(?:(?:had|have|has|were|was)\s+been\s+)?"
            r"[“\"]?(killed|wounded|injured)(?:\s+and\s+(wounded|injured))?",
            seg,
            re.IGNORECASE,
        )
        if m_unspec:
            m = m_unspec
            single = _kind(m.group(2))
            kind = "killed_or_wounded" if m.group(3) else single[1] if single else "killed"
            out.append(
                FigureCandidate(
                    kind,
                    None,
                    "unspecified",
                    " ".join(_enrich_subject(m.group(1), seg).split()),
                    m.group(0),
                    start + m.start(),
                    start + m.end(),
                    "no number given",
                )
            )
    return out


def _choose_kind(after: tuple[int, str] | None, before: tuple[int, str] | None) -> str | None:
    """Prefer a specific kind over generic "losses"; a verb right before the number wins."""
    found = [k for k in (after, before) if k is not None]
    if any(k[1] != "personnel_losses" for k in found):
        found = [k for k in found if k[1] != "personnel_losses"]
        after = after if after in found else None
        before = before if before in found else None
    if before is not None and before[0] <= 2:
        return before[1]  # "killing at least four", "lost almost half a million"
    if after is not None:
        return after[1]
    return before[1] if before is not None else None


def _counts_people(after: str) -> bool:
    """Return False when the number is followed by a noun that is not a people noun."""
    for m in list(re.finditer(r"[^\W\d_][\w’'-]*", after))[:4]:
        w = m.group(0)
        if any(re.match(pat, after[m.start() :], re.IGNORECASE) for pat, _ in _KIND_WORDS):
            return True
        if _PEOPLE.fullmatch(w) or _PEOPLE.match(w):
            return True
        low = w.lower()
        if (
            w[0].isupper()
            or low in _STOP_WORDS
            or low in _AUX
            or re.search(r"(ых|их|ський|ських)$", low)
        ):
            continue
        return False
    return True


_AUX = frozenset("were was have has had are is been be went go remain remained".split())


def _range_value(word: str) -> int | None:
    if word[0].isdigit():
        v = _parse_digits(word, None)
        return int(v)
    if word.lower() in _UNITS or word.lower() in _TENS:
        return _parse_word_number(word, None)[0]
    return None


def _qualifier_before(before: str) -> tuple[str, int] | None:
    low = before.lower().rstrip()
    trailing = len(before) - len(low)
    for phrase, qual in sorted(_QUALIFIERS, key=lambda q: -len(q[0])):
        if re.search(rf"(?<!\w){re.escape(phrase)}$", low):
            return qual, len(phrase) + trailing
    return None


def _clause(s: str, *, forward: bool) -> str:
    if forward:
        m = re.search(r"[;:.!?]|,\s+(?:while|but|and the|according)|\b(which|who)\b", s)
        return s[: m.start()] if m else s
    ends = [m.end() for m in re.finditer(r"[;:.!?]", s)]
    return s[ends[-1] :] if ends else s


_BOTH = re.compile(
    r"(?:killed|dead)\W+(?:and|or)\W+(?:wounded|injured)|(?:wounded|injured)\W+(?:and|or)\W+"
    r"(?:killed|dead)|убит\w* и ранен|погибш\w* и ранен|загибл\w* (?:та|і) поранен",
    re.IGNORECASE,
)


def _kind(window: str, *, backwards: bool = False) -> tuple[int, str] | None:
    """Return the figure kind named in a window and its distance from the number."""
    m = _BOTH.search(window)
    if m is not None:
        return (len(window) - m.end() if backwards else m.start()), "killed_or_wounded"
    found = []
    for pat, kind in _KIND_WORDS:
        for m in re.finditer(pat, window, re.IGNORECASE):
            # Count from the end of the word, so a stem ("загин" in "загинули") is as
            # close to the number as a whole English verb ("killing").
            tail = re.match(r"[\w’'-]+", window[m.end() :])
            word_end = m.end() + (tail.end() if tail else 0)
            dist = len(window) - word_end if backwards else m.start()
            found.append((dist, "killed_or_wounded" if kind == "both" else kind))
    return min(found) if found else None


def _subject(window: str) -> str | None:
    m = _PEOPLE.search(window)
    if not m:
        return None
    words = re.findall(r"[\w’'-]+", window[: m.start()])[-3:]
    adjs: list[str] = []
    for w in reversed(words):
        if (w[0].isupper() and w.lower() not in _STOP_WORDS) or re.search(
            r"(ых|их|ські|ських)$", w
        ):
            adjs.insert(0, w)
        else:
            break
    tail = re.match(r"\s+([A-ZА-ЯІЇЄ]{2,5})\b", window[m.end() :])
    subject = " ".join([*adjs, m.group(0)])
    if tail:
        subject += " " + tail.group(1)
    return subject


def _enrich_subject(subject: str, sentence: str) -> str:
    if subject[0].isupper():
        return subject
    m = re.search(
        r"((?:[A-Z][a-z]+\s)?[A-Z][a-z]+(?:an|ian|ese|ish))\s+"
        r"(?:army\s+)?(?:troops|soldiers|units|forces|servicemen|army|fighters)",
        sentence,
    )
    return f"{m.group(1)} {subject}" if m else subject


def _figure_label(f: FigureCandidate) -> str:
    value = "unspecified number" if f.value is None else f"{f.value:,}"
    qual = "" if f.qualifier in ("exact", "unspecified") else f.qualifier.replace("_", " ") + " "
    return f"{qual}{value} {f.kind.replace('_', ' ')} ({f.subject})"


# --- claimants ------------------------------------------------------------------------

_SAY_VERBS = (
    r"(?:(?:has|have|had|will|would)\s+(?:also\s+)?)?(?:said|says|say|claimed|claims|reported|"
    r"reports|added|adds|announced|announces|stated|states|told|tells|estimated|estimates|"
    r"estimate|(?<!’s )(?<!'s )(?<!the )claim(?=\s+(?:that|to)\b)|wrote|writes|posted|posts|"
    r"confirmed|confirms|backed up|backs up|backed|"
    r"alleged|alleges|insisted|noted|denied|denies|identified|put|puts|accused|warned)\b"
)
_SAY = re.compile(rf"\b{_SAY_VERBS}", re.IGNORECASE)
_CYR_SAY = re.compile(
    r"(?<!\w)(?:сообщил[иао]?|сообщает|сообщают|заявил[иао]?|заявляет|заявляют|утверждает|"
    r"утверждают|отметил[иао]?|добавил[иао]?|подчеркнул[иао]?|говорится|"
    r"повідомил[аио]?|повідомляє|повідомляють|заявив|заявила|заявили|додали|додав|"
    r"зазначили|зазначив|пише|пишут)(?!\w)",
    re.IGNORECASE,
)
_RESPONSE_VERB = re.compile(
    r"\b(?:(?:has|have|had|did)\s+not\s+(?:yet\s+|immediately\s+)?"
    r"(?:commented|replied|responded|reply|respond|comment)|"
    r"declined|refused|directed|referred|redirected|denied|denies|rejected|dismissed)\b",
    re.IGNORECASE,
)
_ACCORDING = re.compile(
    r"(?<!\w)(?i:according to|citing|per|по данным|по словам|по информации|согласно|"
    r"за даними|за словами|за інформацією|как сообщает|как сообщило|как сообщили в|"
    r"как сообщил|як повідомляє|як повідомили в|як повідомив)\s+"
    r"(.+?)(?=,\s+[a-zа-яіїєё\d]|[.;:]|\s+[—–-]\s|$)",
)
_PRONOUNS = frozenset(
    "he she it they we i он она они оно его её ее их він вона вони воно його її їх".split()
)
_ORG_NOUNS = re.compile(
    r"(ministry|intelligence|staff|spokes|official|military|analyst|army|agency|media|outlet|"
    r"office|command|service|forces|department|government|kremlin|pentagon|channel|website|"
    r"administration|governor|authorit|police|brigade|battalion|regiment|milblogger|blogger|"
    r"correspondent|корреспондент|военкор|блогер|губернатор|администрац|адміністрац|бригад|"
    r"минобороны|министерств|генштаб|штаб|ведомств|разведк|командован|міноборони|розвідк|"
    r"генштаб|командуван|сили)",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"^(?P<org>.*?)\s*\b(?P<role>spokesperson|spokesman|spokeswoman|press secretary|"
    r"representative|commander|chief|minister|пресс-секретарь|представитель|"
    r"официальный представитель|речник)\b\s*"
    r"(?:(?:Major-General|Lieutenant-General|General|Maj\.? Gen\.?|Gen\.?|Colonel|Col\.?|"
    r"Admiral|Mr\.?|Ms\.?|Dr\.?|генерал-майор|генерал-лейтенант|генерал|полковник)\s+)?"
    r"(?P<person>[A-ZА-ЯІЇЄ][\w'’-]+(?:\s+[A-ZА-ЯІЇЄ][\w'’-]+){1,2})",
)
_SIDES: tuple[tuple[str, str], ...] = (
    ("independent_media", r"mediazona|meduza|медиазона|медуза|iStories|verstka|bbc russian"),
    ("analysts", r"analyst|\bISW\b|institute for the study of war|think tank|expert|аналитик|"
                 r"експерт"),
    ("international_media", r"associated press|\bAP\b|reuters|\bAFP\b|al jazeera|\bBBC\b|\bCNN\b"),
    ("witnesses", r"resident|witness|locals|жител|очевид|мешканц"),
    ("dprk", r"north korea|\bDPRK\b|\bKCNA\b|pyongyang|КНДР|северн\w* коре|північн\w* коре"),
    ("south_korea", r"south korea|seoul|\bNIS\b|южн\w* коре|південн\w* коре"),
    ("usa", r"pentagon|united states|\bUS\b|\bU\.S\.|white house|state department|washington|"
            r"США|пентагон"),
    ("ukraine", r"ukrain|\bGUR\b|\bHUR\b|kyiv|zelensky|\bЗСУ\b|\bВСУ\b|\bГУР\b|украин|україн|"
                r"генштаб зсу|сил\w* оборони|військов\w* адміністрац|\bОВА\b|\bОДА\b|\bДСНС\b"),
    ("russia", r"russia|kremlin|moscow|peskov|\bRT\b|\bTASS\b|\bRIA\b|минобороны|министерств\w* "
               r"обороны|кремл|песков|росси|\bРФ\b|рос|ТАСС|РИА"),
)  # fmt: skip


@dataclass(frozen=True)
class _Claimant:
    name: str
    side: str
    start: int
    end: int
    person: str | None = None
    role: str | None = None
    joint: tuple[tuple[str, str], ...] = ()
    via: str = "said"


def _side(phrase: str) -> str:
    best: tuple[int, str] | None = None
    for side, pat in _SIDES[:4]:
        if re.search(pat, phrase, re.IGNORECASE):
            return side
    for side, pat in _SIDES[4:]:
        m = re.search(pat, phrase, re.IGNORECASE)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), side)
    return best[1] if best else "other"


def _find_claimant(text: str, s_start: int, s_end: int, last: _Claimant | None) -> _Claimant | None:
    seg = text[s_start:s_end]

    def make(phrase: str, a: int, via: str = "said") -> _Claimant | None:
        phrase = " ".join(phrase.split())
        low = re.sub(r"^(?:the|a|an)\s+", "", phrase.lower())
        anaphoric = (
            low in _PRONOUNS
            or low in _ANAPHORS
            or (
                last is not None
                and phrase == phrase.lower()
                and low.split()[-1:] != []
                and low.split()[-1] in last.name.lower()
            )
        )
        if anaphoric:
            if last is None:
                return None
            return replace(last, start=s_start + a, end=s_start + a + len(phrase), via=via)
        return replace(_make_claimant(phrase, s_start + a), via=via)

    pron = re.search(r"(?i)\b(?:по (?:его|её|ее|их) словам|за (?:його|її|їх) словами)", seg)
    if pron:
        return make("его", pron.start(), "according to")
    for m in _SAY.finditer(seg):
        subj = _subject_before(seg, m.start())
        if subj is not None:
            return make(*subj)
    for m in _CYR_SAY.finditer(seg):
        if m.group(0).lower() == "говорится":
            return make("ведомство", m.start())  # "говорится в сообщении": the last claimant
        subj = _cyrillic_locative_subject(seg, m.start())
        if subj is None and not re.search(r",\s*$", seg[: m.start()]):
            # Not inverted speech ("..., заявили в Минобороны"): the subject comes first.
            subj = _subject_before(seg, m.start())
        if subj is None:
            after = re.match(
                r"\s+(?:в\s+|у\s+)?(?:сообщении\s+)?([^,.;:—]+?)(?=\s+(?:в|во|на|у)\s|[,.;:—]|$)",
                seg[m.end() :],
            )
            if after and (after.group(1)[:1].isupper() or _ORG_NOUNS.search(after.group(1))):
                subj = (after.group(1).strip(), m.end() + after.start(1))
        if subj is not None:
            return make(*subj)
    acc = _ACCORDING.search(seg)
    if acc is not None:
        phrase = acc.group(1).strip()
        by = re.search(r"\bby\s+(.+)$", phrase)
        a = acc.start(1) + (acc.group(1).find(by.group(1)) if by else 0)
        return make(by.group(1) if by else phrase, a, "according to")
    rv = _RESPONSE_VERB.search(seg)
    subj = _subject_before(seg, rv.start()) if rv else None
    if subj is not None:
        return make(*subj)
    if _response(seg) is not None:
        # "В Генштабе ВСУ ... не комментировали": the first organisation-like name.
        runs = list(re.finditer(r"\b([A-ZА-ЯЁІЇЄ][\w’'-]+(?:\s+[A-ZА-ЯЁІЇЄ][\w’'-]*)*)", seg))
        # A sentence-initial word counts only when it names an organisation
        # ("Міноборони РФ ці дані не коментувало").
        org = next((m for m in runs if m.start() > 0 or _ORG_NOUNS.search(m.group(1))), None)
        if org:
            return make(org.group(1), org.start(1))
    return None


def _cyrillic_locative_subject(seg: str, verb_start: int) -> tuple[str, int] | None:
    """Return the body in "В Генштабе ВСУ заявили" / "У Генеральному штабі ЗСУ заявили".

    An impersonal plural verb after "в/у + organisation" reports what the body said.
    """
    bounds = list(re.finditer(r"[;:“”\"«»()]|,\s|\s[—–]\s", seg[:verb_start]))
    chunk_start = bounds[-1].end() if bounds else 0
    m = re.match(r"\s*(?i:(?:а|и|і|та)\s+)?(?i:в|во|у)\s+(.+?)\s*$", seg[chunk_start:verb_start])
    if m is None or len(m.group(1).split()) > 8:
        return None
    body = m.group(1)
    if not (_ORG_NOUNS.search(body) or re.search(r"\b[А-ЯЁІЇЄ]{2,}\b", body)):
        return None
    return body, chunk_start + m.start(1)


_ANAPHORS = frozenset(
    "ведомство ведомства министерство министерства штаб штаба відомство відомства the ministry "
    "ministry the agency agency".split()
)


def _subject_before(seg: str, verb_start: int, depth: int = 0) -> tuple[str, int] | None:
    """Return the claimant phrase that ends right before a verb, and its offset.

    Appositives and relative clauses are skipped: "the Kremlin, which ..., directed";
    "the agency, known as GUR, said".
    """
    bounds = list(re.finditer(r"[;:“”\"«»()]|,\s|\s[—–]\s", seg[:verb_start]))
    chunk_start = bounds[-1].end() if bounds else 0
    prev_end = bounds[-1].start() if bounds else 0
    comma = bool(bounds) and bounds[-1].group(0).startswith(",")
    stripped = seg[chunk_start:verb_start].strip()
    lead = re.match(r"^(?:and|but|while|as|that|so)\s+", stripped, re.IGNORECASE)
    if lead:
        stripped = stripped[lead.end() :]
    if depth > 3:
        return None
    parenthetical = re.match(
        r"^(?:which|who|in|on|at|by|for|with|from|during|after|before|citing|speaking|"
        r"according|(?i:в|во|на|по|из|за|у|под|при|кроме|который|которое|которые|який|яке))\b",
        stripped,
    )
    if not stripped or parenthetical:
        return _subject_before(seg, prev_end, depth + 1) if comma else None
    words = stripped.split()
    if len(words) > 10 or re.match(r"^that\b", stripped, re.IGNORECASE):
        return None
    if comma and re.match(r"^(?:the|a|an)\s+[a-z].*\b(?:who|for|of)\b", stripped):
        # "Pat Ryder, the major general who speaks for the Pentagon, told ..."
        prev = _subject_before(seg, prev_end, depth + 1)
        if prev is not None:
            return f"{prev[0]}, {stripped}", prev[1]
    if re.match(r"^(?:also\s+)?known as\b", stripped, re.IGNORECASE):
        acronym = re.sub(r"^(?:also\s+)?known as\s+", "", stripped, flags=re.IGNORECASE)
        prev = _subject_before(seg, prev_end, depth + 1) if comma else None
        if prev is not None:
            return f"{prev[0]} ({acronym})", prev[1]
        return acronym, seg.find(acronym, chunk_start)
    if stripped.lower() in _PRONOUNS:
        return stripped, seg.find(stripped, chunk_start)
    if not any(w[0].isupper() for w in words) and not _ORG_NOUNS.search(stripped):
        return None
    if words[0].lower() in _NOT_SUBJECTS or words[0].lower() in ("neither", "nor", "no"):
        return None
    if re.search(r"\b(?:were|was|is|are|been|be)$", stripped):
        return None  # passive: "... were said to"
    verb = _SAY.match(seg, verb_start)
    after_verb = seg[verb.end() :] if verb else ""
    if re.match(r"\s*(?:killed|wounded|injured|missing|dead|captured)\b", after_verb):
        return None  # "troops reported killed": a participle, not a claim verb
    rel_clause = re.search(r"\s+(?:who|which)\s", stripped)
    if rel_clause:
        stripped = stripped[: rel_clause.start()]
    start = seg.find(stripped, chunk_start)
    if comma and " and " in stripped:
        # "South Korean, US and Ukrainian intelligence": a list split by the comma.
        prev_chunk = seg[:prev_end]
        before = re.search(
            r"(?:^|[;:“”\"«»(]|,\s)\s*([A-Z][\w’'-]*(?:\s[A-Z][\w’'-]*){0,2})$", prev_chunk
        )
        if before:
            start = before.start(1)
            stripped = seg[start:verb_start].strip()
    lead_time = re.match(
        r"^(?:in|on|by|since|earlier|later)\b[^,]*?\s(?=the\s)", stripped, re.IGNORECASE
    )
    if lead_time:
        return stripped[lead_time.end() :], start + lead_time.end()
    return stripped, start


_NOT_SUBJECTS = frozenset("there it this both their its his her our my your".split())


def _make_claimant(phrase: str, start: int) -> _Claimant:
    phrase = " ".join(phrase.split())
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.IGNORECASE)
    phrase = re.sub(r"(?:\s+(?:has|have|had|also|officially|reportedly|not))+$", "", phrase)
    phrase = phrase.rstrip(" ,")
    person = role = None
    name = phrase
    m = _ROLE.match(phrase)
    appositive = re.search(
        r"(?P<person>[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){1,2}),\s+(?P<role>(?:the|a|an)\s.+)$", phrase
    )
    if m:
        person, role = m.group("person"), m.group("role")
        name = m.group("org").strip(" ,") or phrase
    elif appositive:
        person, role = appositive.group("person"), appositive.group("role")
        person = " ".join(w for w in person.split() if w.lower() not in _TITLE_WORDS) or person
        org = re.search(r"\b(?:for|of|at)\s+(?:the\s+)?([A-Z][\w'’]*(?:\s[A-Z][\w'’]*)*)", role)
        name = org.group(1) if org else person
    parts = [p.strip() for p in re.split(r",\s*|\s+(?:and|и|та)\s+", name) if p.strip()]
    joint: tuple[tuple[str, str], ...] = ()
    if len(parts) > 1:
        sides = [_side(p) for p in parts]
        if len(set(sides)) > 1 and "other" not in sides:
            joint = tuple(zip(parts[1:], sides[1:], strict=True))
    return _Claimant(name, _side(phrase), start, start + len(phrase), person, role, joint)


def _channel(sentence: str, claimant: _Claimant) -> str:
    s = " ".join(sentence.lower().split())
    if re.search(r"asked by|request for comment|requests? from|inquiry from", s):
        return "media_inquiry"
    if "telegram" in s or "телеграм" in s:
        return "telegram"
    if re.search(
        r"briefing|told (?:reporters|journalists)|to journalists|press conference|брифинг", s
    ):
        return "press_briefing"
    if "interview" in s or "интервью" in s or "інтерв" in s:
        return "interview"
    if re.search(r"statement|заявлени|сообщени|повідомлен", s):
        return "statement"
    if re.search(r"website|сайт", s):
        return "website"
    if re.search(r"\b(?:x|twitter|facebook|instagram)\b", s):
        return "social_media"
    if claimant.side in ("independent_media", "international_media") or re.search(
        r"\breport(?:ed|s)?\b", s
    ):
        return "news_report"
    return "unknown"


_RESPONSES: tuple[tuple[str, str], ...] = (
    (r"(?:directed|referred|redirected|passed)\s+(?:a|the)\s+(?:request|question|query)",
     "referred"),
    (r"(?:has|have|had|did)\s+not\s+(?:yet\s+)?commented|declined to comment|refused to comment|"
     r"no comment|не (?:про)?комментир|не (?:про)?коментува|відмовил\w* коментувати", "no_comment"),
    (r"did not (?:immediately )?(?:reply|respond)|has not (?:yet )?responded|не ответил",
     "did_not_reply"),
    (r"\b(?:denied|denies|rejected|dismissed|опроверг|спростував)", "denied"),
)  # fmt: skip
_SUPPORT = re.compile(
    r"\b(backed up|backs up|backed|confirmed|confirms|corroborated|supports|"
    r"подтвердил|підтвердил)\w*",
    re.IGNORECASE,
)
_DISPUTE = re.compile(
    r"\b(denied|denies|disputed|disputes|rejected|refuted|dismissed|"
    r"опроверг|спростував)\w*",
    re.IGNORECASE,
)


_ASKED_BY = re.compile(
    r"(?i:asked by|request for comment from|requests? from)\s+"
    r"((?:the\s+)?[A-Z][\w’']*(?:\s+[A-Z][\w’']*)*)"
)
_REFERRED_TO = re.compile(r"\bto\s+(the\s+[A-Z][\w ]+?|[A-Z][\w ]+?)(?=,|\.|$)")


def _response(sentence: str) -> tuple[str, str | None, str | None] | None:
    for pat, kind in _RESPONSES:
        m = re.search(pat, sentence, re.IGNORECASE)
        if m:
            referred = None
            asked = _ASKED_BY.search(sentence)
            if kind == "referred":
                to = _REFERRED_TO.search(sentence[m.end() :])
                referred = to.group(1).strip() if to else None
            return kind, referred, asked.group(1) if asked else None
    return None


# --- claims ----------------------------------------------------------------------------


def _find_claims(
    text: str,
    sentences: Sequence[tuple[int, int]],
    places: Sequence[PlaceMention],
    ref: dt.date | None,
    basis: str,
    outlet: str | None,
    published: dt.date | None,
    gc: Geocoder,
) -> list[ClaimCandidate]:
    ukrainian = _is_ukrainian(text)
    out: list[ClaimCandidate] = []
    # (index, referenced side, link kind, figure kind the sentence names)
    links: list[tuple[int, str | None, str, str | None]] = []
    last: _Claimant | None = None
    for s_idx, (s_start, s_end) in enumerate(sentences):
        sentence = text[s_start:s_end]
        dates = _find_dates(text, s_start, s_end, ref, basis)
        figures = _find_figures(text, s_start, s_end, dates)
        claimant = _find_claimant(text, s_start, s_end, last)
        response = _response(sentence)
        support = _SUPPORT.search(sentence)
        dispute = _DISPUTE.search(sentence) if response is None or response[0] != "denied" else None
        if claimant is None and not figures:
            continue
        if claimant is None:
            claimant = _Claimant("unattributed", "unattributed", s_start, s_start, via="none")
        s_places = tuple(
            p
            for p in places
            if p.sentence == s_idx and not (claimant.start <= p.start < claimant.end)
        )
        if not (figures or s_places or response or support or dispute):
            continue
        if claimant.side == "other":
            side = _implied_side(claimant.name, s_places, ukrainian, gc)
            claimant = replace(claimant, side=side) if side else claimant
        if claimant.via != "none":
            last = claimant
        notes: list[str] = []
        kind_link = None
        if response is not None:
            if figures and any(f.value is not None for f in figures):
                notes.append("figures in this sentence describe the claim responded to")
                figures = [f for f in figures if f.value is None]
            kind_link = "responds_to"
        elif dispute is not None and _referenced_side(sentence[dispute.end() :]):
            kind_link = "disputes"
        elif support is not None and _referenced_side(sentence[support.end() :]):
            kind_link = "corroborates"
        if kind_link is not None:
            verb = dispute or support or _RESPONSE_VERB.search(sentence)
            rest = sentence[verb.end() :] if verb else sentence
            # "declined to comment on the losses": the response names what it is about.
            named = _kind(rest[:40]) if kind_link == "responds_to" else None
            links.append((len(out), _referenced_side(rest), kind_link, named and named[1]))
        cid = f"s{s_idx + 1:02d}-{_slug(claimant)}"
        out.append(
            ClaimCandidate(
                id=cid,
                sentence=s_idx,
                start=s_start,
                end=s_end,
                claimant=claimant.name,
                side=claimant.side,
                channel=_channel(sentence, claimant),
                claimant_person=claimant.person,
                claimant_role=claimant.role,
                joint_claimants=claimant.joint,
                figures=tuple(figures),
                places=s_places,
                dates=tuple(dates),
                key_phrases=tuple(_key_phrases(sentence)),
                response=(
                    {"kind": response[0], "asked_by": response[2], "referred_to": response[1]}
                    if response
                    else None
                ),
                notes=tuple(notes),
                outlet=outlet,
                published=published,
            )
        )
    return _link(out, links)


_COUNTRY_SIDES = {"UA": "ukraine", "RU": "russia"}
_REGIONAL_AUTHORITY = re.compile(
    r"governor|administration|mayor|head of|губернатор|администрац|адміністрац|\bмэр|\bмер\b|"
    r"глав[аы]\b|голов[аи]\b|\bОВА\b|\bОДА\b",
    re.IGNORECASE,
)
_NATIONAL_BODY = re.compile(
    r"генштаб|генеральн\w* штаб|міноборони|міністерств\w* оборони|командуван|розвідк|"
    r"сил\w* оборони|прикордон",
    re.IGNORECASE,
)


def _is_ukrainian(text: str) -> bool:
    """Return True when the text is written in Ukrainian rather than Russian."""
    return len(re.findall(r"[іїєґ]", text, re.IGNORECASE)) > len(
        re.findall(r"[ыэъё]", text, re.IGNORECASE)
    )


def _implied_side(
    name: str, places: Sequence[PlaceMention], ukrainian: bool, gc: Geocoder
) -> str | None:
    """Return the side of a claimant its name does not state outright, or None.

    A regional authority ("Belgorod Governor", "губернатор Курской области",
    "Харківській обласній військовій адміністрації") speaks for the country its region
    is in: the region comes from the gazetteer, or else from the places of the sentence.
    An unqualified national body in a Ukrainian text ("Генштабу", "Міноборони") is
    Ukraine's own.
    """
    if _REGIONAL_AUTHORITY.search(name):
        countries: set[str] = set()
        for w in re.findall(r"\b[A-ZА-ЯЁІЇЄ][\w’'-]{3,}", name):
            for form in _lookup_forms(w):
                areas = gc.find_areas(f"{form} область")
                countries |= {p.country_code for a in areas for p in a.places}
                if countries:
                    break
        if not countries:
            countries = {
                p.result.place.country_code
                for p in places
                if p.status == "resolved" and p.result.place is not None
            }
        if len(countries) == 1:
            side = _COUNTRY_SIDES.get(countries.pop())
            if side:
                return side
    if ukrainian and _NATIONAL_BODY.search(name):
        return "ukraine"
    return None


def _referenced_side(rest: str) -> str | None:
    m = re.search(r"([\w’' -]{0,40}?)\s*(?:claim|account|report|figures|statement)", rest)
    if m:
        side = _side(m.group(1))
        return side if side != "other" else None
    return None


def _link(
    claims: list[ClaimCandidate], links: Sequence[tuple[int, str | None, str, str | None]]
) -> list[ClaimCandidate]:
    numeric = [i for i, c in enumerate(claims) if any(f.value is not None for f in c.figures)]
    updates: dict[int, dict[str, tuple[str, ...]]] = {}
    for i, side, kind, figure_kind in links:
        me = claims[i]
        if side is None:
            earlier = [
                j
                for j in numeric
                if j < i and claims[j].side not in (me.side, "other", "unattributed")
            ]
            side = claims[earlier[-1]].side if earlier else None
        if side is None:
            continue
        of_side = [j for j in numeric if j != i and claims[j].side == side]
        targets = [j for j in of_side if j < i]
        if not targets:
            # The claim is answered before it is reported ("X has not commented on Y's
            # claim" in a lead): take the first run of that side's claims after it.
            later = [j for j in of_side if j > i]
            run = later[:1]
            for j in later[1:]:
                if all(claims[k].side == side for k in range(run[-1] + 1, j + 1)):
                    run.append(j)
            targets = run
        # Of that side's claims, the ones about what the response names, if any.
        about = [j for j in targets if any(f.kind == figure_kind for f in claims[j].figures)]
        targets = about or targets
        if targets:
            updates.setdefault(i, {})[kind] = tuple(claims[j].id for j in targets)
    out = [replace(c, **updates.get(i, {})) for i, c in enumerate(claims)]  # type: ignore[arg-type]
    status: dict[str, str] = {}
    for c in out:
        for t in c.corroborates:
            status.setdefault(t, "corroborated")
        for t in c.disputes:
            status[t] = "disputed"
    final = []
    for c in out:
        if c.response is not None and c.response.get("kind") != "denied":
            st = "no_comment"
        else:
            st = status.get(c.id, "claimed")
        final.append(replace(c, claim_status=st))
    return final


def _slug(claimant: _Claimant) -> str:
    acronym = re.search(r"\b([A-ZА-ЯІЇЄ]{2,6})\b", claimant.name)
    base = acronym.group(1) if acronym else claimant.name
    key = name_key(base) if has_cyrillic(base) else fold(base)
    words = [w for w in key.split() if w not in ("s", "the", "of")][:3]
    slug = "-".join(re.sub(r"[^a-z0-9]", "", w) for w in words)
    return re.sub(r"-+", "-", slug).strip("-") or "claim"


def _key_phrases(sentence: str) -> list[str]:
    out = []
    for m in re.finditer(r"[“\"«]([^”\"»]{3,80})[”\"»]", sentence):
        phrase = m.group(1).strip()
        if 1 <= len(phrase.split()) <= 8:
            out.append(phrase)
    return out[:4]


# --- small helpers ---------------------------------------------------------------------


def _claim_place(p: PlaceMention) -> dict[str, Any]:
    hit = p.result.place if p.status == "resolved" else None
    return {
        "name": p.mention,
        "relation": p.relation,
        "precision": p.precision,
        "context": p.context,
        "status": p.status,
        "lat": hit.lat if hit else None,
        "lon": hit.lon if hit else None,
        "matched_name": hit.name if hit else None,
        "place_id": hit.id if hit else None,
        "admin1": hit.admin1 if hit else None,
        "country_code": hit.country_code if hit else None,
    }


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None
