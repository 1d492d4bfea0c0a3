"""Assembly: claim candidates from a sentence's findings, links between them, the result.

:func:`extract_article` runs the steps -- sentences (:mod:`~geokursk.extract.text`),
the dateline and reference date (:mod:`~geokursk.extract.dates`), place mentions
(:mod:`~geokursk.extract.places`) -- and builds one :class:`ClaimCandidate` per sentence
that attributes figures (:mod:`~geokursk.extract.figures`), places or a response to a
claimant (:mod:`~geokursk.extract.claimants`).  A sentence that backs up, denies or
responds to another side's claim is linked to that side's claims, and the linked
claims' status is set (``corroborated``, ``disputed``, ``no_comment``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from geokursk.errors import ArticleError
from geokursk.extract.claimants import (
    _BACK_REFERENCE,
    _COUNTRY_SIDES,
    _DISPUTE,
    _ORG_NOUNS,
    _RESPONSE_VERB,
    _SUPPORT,
    _channel,
    _Claimant,
    _find_claimant,
    _implied_side,
    _make_claimant,
    _referenced_side,
    _response,
    _side,
)
from geokursk.extract.dates import (
    DateMention,
    _find_dateline,
    _find_dates,
    _iso,
    _reference_date,
)
from geokursk.extract.figures import FigureCandidate, _figure_label, _find_figures, _kind
from geokursk.extract.places import PlaceMention
from geokursk.extract.places.cues import _area_ok, _authority_regions
from geokursk.extract.places.resolve import _find_places
from geokursk.extract.text import _split_sentences, text_language, without_invisible
from geokursk.extract.vocab import document_voices, phrase_table
from geokursk.gcpause import gc_paused
from geokursk.geocode import Geocoder, default_geocoder
from geokursk.normalize import INVISIBLE, fold, has_cyrillic, name_key

__all__ = ["ClaimCandidate", "Extraction", "extract_article"]


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
            "reviewed": False,
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
            "schema": EXTRACTION_SCHEMA,
            "reference_date": _iso(self.reference_date),
            "date_basis": self.date_basis,
            "dateline": _iso(self.dateline),
            "notes": list(self.notes),
            "places": [p.to_dict() for p in self.places],
            "claims": [c.to_record() for c in self.claims],
        }


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
    >>> ex = extract_article("Shelling was reported near the village of Sosnovy Yar.")
    >>> [(p.mention, p.status) for p in ex.places]
    [('Sosnovy Yar', 'unresolved')]
    >>> extract_article("   ")
    Traceback (most recent call last):
    ...
    geokursk.errors.ArticleError: the article is empty; give text with at least one sentence
    """
    if not isinstance(text, str):
        raise ArticleError(f"the article must be text (str), not {type(text).__name__}")
    if not text.strip():
        raise ArticleError("the article is empty; give text with at least one sentence")
    gc = geocoder if geocoder is not None else default_geocoder()
    original = text
    with gc_paused():  # one article is a bounded unit of work (see geokursk.gcpause)
        text, positions = without_invisible(text)
        if positions is not None:
            found = _extract(text, gc, published, outlet)
            return cast(Extraction, _to_original(found, original, positions))
        return _extract(text, gc, published, outlet)


def _to_original(obj: Any, original: str, positions: Sequence[int]) -> Any:
    """Map the ``start``/``end`` offsets of every span back to the text as given.

    The spans were found in the text without invisible characters; their text fields
    (``mention``, ``text``) become the original slice, invisible characters included.
    """
    if isinstance(obj, tuple):
        return tuple(_to_original(x, original, positions) for x in obj)
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    changes: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(obj)}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, tuple) or dataclasses.is_dataclass(value):
            changes[name] = _to_original(value, original, positions)
    if {"start", "end"} <= names:
        start, end = obj.start, obj.end  # type: ignore[attr-defined]
        new_start = positions[start]
        new_end = positions[end - 1] + 1 if end > start else new_start
        changes |= {"start": new_start, "end": new_end}
        given = original[new_start:new_end]
        for text_field in ("mention", "text"):
            if text_field in names and getattr(obj, text_field) == INVISIBLE.sub("", given):
                changes[text_field] = given
    return dataclasses.replace(obj, **changes)


def _extract(
    text: str,
    gc: Geocoder,
    published: dt.date | None,
    outlet: str | None,
) -> Extraction:
    sentences = _split_sentences(text)
    dateline = _find_dateline(text)
    ref, basis, notes = _reference_date(published, dateline)
    areas = [a for a in gc.find_areas(text) if _area_ok(text, a)]
    mentions = _find_places(text, sentences, areas, gc, _authority_regions(text, gc))
    claims = _find_claims(text, sentences, mentions, ref, basis, outlet, published or ref, gc)
    if ref is None and any(d.date is None for c in claims for d in c.dates):
        notes.append("some relative dates were left unresolved: give the publication date")
    return Extraction(tuple(mentions), tuple(claims), ref, basis, dateline, tuple(notes))


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
    language = text_language(text)
    out: list[ClaimCandidate] = []
    # (index, referenced side, link kind, figure kind the sentence names)
    links: list[tuple[int, str | None, str, str | None]] = []
    last: _Claimant | None = None
    voice = _heading_voice(text) or _speaker_heading(text) or _signature_voice(text)
    places_of: dict[int, list[PlaceMention]] = {}
    for p in places:
        places_of.setdefault(p.sentence, []).append(p)
    for s_idx, (s_start, s_end) in enumerate(sentences):
        sentence = text[s_start:s_end]
        dates = _find_dates(text, s_start, s_end, ref, basis)
        figures = _find_figures(text, s_start, s_end, dates)
        claimant = _find_claimant(text, s_start, s_end, last)
        if claimant is not None and claimant.via != "none" and _BACK_REFERENCE.search(sentence):
            # "... погиб мирный житель. Об этом сообщил губернатор": the previous sentence's
            # unattributed claims are this claimant's.
            _attribute_back(out, s_idx - 1, claimant, language, gc)
            last = claimant
        response = _response(sentence)
        support = _SUPPORT.search(sentence)
        dispute = _DISPUTE.search(sentence) if response is None or response[0] != "denied" else None
        if claimant is None and not figures:
            continue
        source = last or voice
        inherited = claimant is None and source is not None
        if claimant is None:
            # A report goes on in the voice of the last claimant it named, or of the body
            # its heading names (a General Staff summary, an MoD bulletin); otherwise the
            # sentence is unattributed.
            claimant = (
                replace(source, start=s_start, end=s_start, via="inherited")
                if source is not None
                else _Claimant("unattributed", "unattributed", s_start, s_start, via="none")
            )
        s_places = tuple(
            p
            for p in places_of.get(s_idx, ())
            if p.role == "event"
            and p.kind != "river"
            and not (claimant.start <= p.start < claimant.end)
        )
        if not (figures or s_places or response or support or dispute):
            continue
        if claimant.side == "other":
            # the role says whose authority it is ("Gladkov, the governor of the Belgorod
            # region" is named after its region)
            said_by = " ".join(x for x in (claimant.name, claimant.role) if x)
            side = _implied_side(said_by, s_places, language, gc)
            claimant = replace(claimant, side=side) if side else claimant
        if claimant.via not in ("none", "inherited"):
            last = claimant
        notes: list[str] = []
        if inherited and source is voice and voice is not None and voice.via == "signature":
            notes.append(f"claimant: the signature that ends the text ({claimant.name})")
        elif inherited:
            notes.append(f"claimant carried over from an earlier sentence ({claimant.name})")
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
            link = (_referenced_side(rest), kind_link, named and named[1])
            links.append((len(out), *link))
        figures = [
            replace(f, subject_side=_subject_side(f, claimant.side, s_places)) for f in figures
        ]
        cid = f"s{s_idx + 1:02d}-{_slug(claimant)}"
        first = len(out)
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
        # "Ukraine's military intelligence and the Pentagon said": one claim per claimant.
        for name, side in claimant.joint:
            other = _Claimant(name, side, claimant.start, claimant.end)
            if kind_link is not None:
                links.append((len(out), *link))  # each claimant responds, supports...
            out.append(
                replace(
                    out[first],
                    id=f"s{s_idx + 1:02d}-{_slug(other)}",
                    claimant=name,
                    side=side,
                    claimant_person=None,
                    claimant_role=None,
                    notes=(*notes, f"said jointly with {claimant.name}"),
                )
            )
        if claimant.joint:
            joint = ", ".join(n for n, _ in claimant.joint)
            out[first] = replace(out[first], notes=(*notes, f"said jointly with {joint}"))
    return _link(out, links)


def _heading_voice(text: str) -> _Claimant | None:
    """Return the body a report's heading names as its voice (``document_voices.csv``)."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:3]
    head = fold(" ".join(lines)[:300])
    for phrase, claimant, side in document_voices():
        if fold(phrase) in head:
            return _Claimant(claimant, side, 0, 0, via="heading")
    return None


#: "Олег Синєгубов: ..." -- a post or a headline that opens with who speaks.
_SPEAKER = re.compile(r"\s*([A-ZА-ЯЁІЇЄ][\w’'-]+\s+[A-ZА-ЯЁІЇЄ][\w’'-]+):\s+\S")


def _speaker_heading(text: str) -> _Claimant | None:
    """Return who a text opens with as its speaker ("Олег Синєгубов: ..."), or None."""
    m = _SPEAKER.match(text)
    if m is None:
        return None
    return replace(_make_claimant(m.group(1), m.start(1)), start=0, end=0, via="heading")


#: A last line that is a caption or a link, not a signature.
_NOT_SIGNATURE = re.compile(r"^(?:фото|photo|видео|відео|video|https?:|t\.me/|@)", re.IGNORECASE)


def _signature_voice(text: str) -> _Claimant | None:
    """Return the author a post signs with on its last line, as its voice.

    Officials' posts end with who wrote them: «Сергій Лисак, начальник
    Дніпропетровської ОВА».  The last line is a signature when it is short (at most
    12 words), does not end a sentence (no full stop), starts with a capital and
    names an organisation or an office (``organisation_stems.csv``).
    """
    body = text.rstrip()
    # The last line, or what follows the last full stop when the lines were run together
    # ("... пошкоджено будинок. Сумська ОВА").
    last = body[max(body.rfind("\n"), *(body.rfind(p + " ") for p in ".!?…")) + 1 :].strip()
    if not last or len(last) == len(body.strip()):
        return None
    if (
        len(last) > 120
        or len(last.split()) > 12
        or last[-1] in ".!?…:;"
        or not last[0].isupper()
        or _NOT_SIGNATURE.match(last)
        or not (_ORG_NOUNS.search(last) or _side(last) != "other")  # «Сумська ОВА»
    ):
        return None
    start = text.rindex(last)
    return replace(_make_claimant(last, start), start=0, end=0, via="signature")


def _subject_side(
    figure: FigureCandidate, claimant_side: str, places: Sequence[PlaceMention]
) -> str | None:
    """Return the side of who was hit: said in the subject, else implied.

    The subject's words decide first (``subject_sides.csv``: "North Korean soldiers",
    «окупантів», «военнослужащих ВСУ»).  Civilians belong to the country of the
    sentence's first resolved settlement ("Russian forces shelled Nikopol, killing two
    civilians": Ukrainian civilians).  Enemy soldiers, or soldiers named without a side
    in a claim by one of the two belligerents ("destroyed up to 120 servicemen"), are
    the other belligerent's; "our" soldiers the claimant's own.
    """
    subject = " " + figure.subject.lower()
    cls = next(
        (c for pattern, c in _SUBJECT_PATTERNS if pattern.search(subject)),
        None,
    )
    enemy = _ENEMY.get(claimant_side)
    if figure.kind == "personnel_losses" and cls in (None, "civilian"):
        cls = "soldier"  # "losses of 825,310 persons": the enemy's losses
    if cls is None:
        return None
    if cls == "civilian":
        for p in places:
            place = p.result.place if p.result.status == "resolved" else None
            if p.kind == "settlement" and place is not None:
                return _COUNTRY_SIDES.get(place.country_code)
        # An authority reporting casualties without a place reports its own people.
        return claimant_side if claimant_side in _ENEMY else None
    if cls == "enemy" or (cls == "soldier" and enemy is not None):
        return enemy
    if cls == "own":
        return claimant_side if claimant_side in _ENEMY else None
    if cls == "soldier":
        return None
    return cls


_SUBJECT_SIDES = phrase_table("subject_sides", "class")
#: Each subject phrase as a word start anywhere in the subject, in table order.
_SUBJECT_PATTERNS = tuple(
    (re.compile(rf"[\s(«\"]{re.escape(phrase)}"), c) for phrase, c in _SUBJECT_SIDES
)
#: The document ``extract --json`` writes; equal to geokursk.claims.EXTRACTION_SCHEMA
#: (tested), written here so extraction does not import the claims model.
EXTRACTION_SCHEMA = "geokursk.extraction/1"
_ENEMY = {"russia": "ukraine", "ukraine": "russia"}


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


def _attribute_back(
    claims: list[ClaimCandidate], sentence: int, claimant: _Claimant, language: str, gc: Geocoder
) -> None:
    """Give the unattributed claims of ``sentence`` to ``claimant``, in place."""
    for i, c in enumerate(claims):
        if c.sentence != sentence or c.side != "unattributed":
            continue
        side = claimant.side
        if side == "other":
            said_by = " ".join(x for x in (claimant.name, claimant.role) if x)
            side = _implied_side(said_by, c.places, language, gc) or side
        claims[i] = replace(
            c,
            id=f"s{sentence + 1:02d}-{_slug(claimant)}",
            claimant=claimant.name,
            side=side,
            claimant_person=claimant.person,
            claimant_role=claimant.role,
            notes=(*c.notes, f"claimant: named in the next sentence ({claimant.name})"),
        )


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
