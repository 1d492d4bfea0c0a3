"""Claimants: who makes a claim, for which side, through which channel, and responses.

Per sentence the claimant is the subject of a claim verb ("X said", "сообщило X",
"В Генштабе ВСУ заявили"), the source after an attribution phrase ("according to X",
"за даними X": ``attribution_phrases.csv``) or the body that responds ("X declined to
comment"); pronouns and anaphors ("he", "the ministry", "ведомство": ``pronouns.csv``,
``anaphors.csv``) refer back to the last claimant.  A claimant phrase is split into
organisation, person and role ("Pentagon spokesperson Pat Ryder") and given a side
(by name, or for a regional authority by the country of its region:
``country_sides.csv``).  The channel ("telegram", "press_briefing"...) comes from the
sentence's words; responses ("declined to comment", "did not reply", "denied") and
support or dispute of another side's claim (``support_verbs.csv``,
``dispute_verbs.csv``) are found here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from geokursk.extract.morphology import _lookup_forms
from geokursk.extract.text import _TITLE_WORDS
from geokursk.extract.vocab import (
    alternation,
    country_sides,
    installed_authorities,
    side_patterns,
    speakers,
    word_list,
    word_set,
)
from geokursk.geocode import Geocoder

if TYPE_CHECKING:
    from geokursk.extract.places import PlaceMention


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
    r"повідомил[аио]?|повідомив|повідомляє|повідомляють|заявив|заявила|заявили|додали|"
    r"додав|зазначили|зазначив|наголосив|написав|пише|пишут)(?!\w)",
    re.IGNORECASE,
)
_RESPONSE_VERB = re.compile(
    r"\b(?:(?:has|have|had|did)\s+not\s+(?:yet\s+|immediately\s+)?"
    r"(?:commented|replied|responded|reply|respond|comment)|"
    r"declined|refused|directed|referred|redirected|denied|denies|rejected|dismissed)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = alternation(word_list("attribution_phrases", column="phrase"))
_ACCORDING = re.compile(
    rf"(?<!\w)(?i:{_ATTRIBUTION})\s+"
    r"(.+?)(?=,\s+[a-zа-яіїєё\d]|[.;:]|\s+[—–-]\s|$)",
)
_PRONOUNS = word_set("pronouns")
# Word beginnings of organisations and officials ("ministry", "генштаб").
_ORG_NOUNS = re.compile(
    f"({alternation(word_list('organisation_stems', column='stem'))})",
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
#: Patterns naming each side (``claimant_sides.csv``), in file order.
# Who a claimant speaks for: named bodies and countries, then people named alone.
_SIDES = (*side_patterns(), *speakers())
#: Kinds of source rather than countries: "Ukrainian analysts" are analysts, "residents of
#: Belgorod" witnesses.  They win over a country the phrase names.
_SOURCE_KINDS = frozenset({"independent_media", "analysts", "international_media", "witnesses"})


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
    for side, pat in _SIDES:
        if side in _SOURCE_KINDS and re.search(pat, phrase, re.IGNORECASE):
            return side
    for side, pat in _SIDES:
        if side in _SOURCE_KINDS:
            continue
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
        inverted = _subject_after(seg, m.start(), m.end())
        if inverted is not None:
            return make(*inverted)
        by = _AS_REPORTED_BY.match(seg, m.end()) if _AS_BEFORE.search(seg, 0, m.start()) else None
        if by is not None:  # "As reported by Reuters, ..."
            return make(by.group(1), by.start(1))
        subj = _subject_before(seg, m.start())
        if subj is not None:
            return make(*subj)
    for m in _CYR_SAY.finditer(seg):
        if m.group(0).lower() == "говорится":
            return make("ведомство", m.start())  # "говорится в сообщении": the last claimant
        subj = _cyrillic_locative_subject(seg, m.start())
        if subj is None and not _INVERTING.search(seg, 0, m.start()):
            # Not inverted speech ("..., заявили в Минобороны"): the subject comes first.
            subj = _subject_before(seg, m.start())
        if subj is None:
            after = re.match(
                r"\s+(?:в\s+|у\s+)?(?:сообщении\s+)?([^,.;:—]+?)(?=\s+(?:в|во|на|у)\s|[,.;:—]|$)",
                seg[m.end() :],
            )
            name = after.group(1).lstrip('«“"') if after else ""
            if after and (name[:1].isupper() or _ORG_NOUNS.search(name)):
                # «Медиазона» is named without its quotes
                name = name.strip().rstrip('»”"')
                subj = (name, m.end() + after.end(1) - len(after.group(1).lstrip('«“"')))
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


#: "Об этом сообщил ...", «Про це повідомив ...»: who said what the sentence before said.
_BACK_PHRASES = alternation(word_list("back_references", column="phrase"))
_BACK_REFERENCE = re.compile(rf"(?<!\w)(?:{_BACK_PHRASES})(?!\w)", re.IGNORECASE)
#: Words before a Cyrillic verb of saying after which its subject follows it: a comma
#: ("..., заявили в Минобороны"), «Как сообщает «Медуза»», «Об этом сообщил губернатор».
_INVERTING = re.compile(
    rf"(?:,|(?<!\w)(?:как|як|{_BACK_PHRASES}))\s*$",
    re.IGNORECASE,
)
#: "As reported by Reuters, ...": who reported comes after the verb.
_AS_BEFORE = re.compile(r"(?:^|[,;:]\s*)[Aa]s\s+$")
_AS_REPORTED_BY = re.compile(r"\s+by\s+((?:the\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,4})")


#: "..., said Vyacheslav Gladkov, the governor of the region.": the name after the verb,
#: with an appositive after it.
_INVERTED_SUBJECT = re.compile(
    r"\s+((?:the\s+)?[A-Z][\w’'.-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'.-]*){0,5}"
    r"(?:,\s+(?:the|a|an)\s+[^,.;:]+?)?)\s*(?=[,.;:]|$)"
)


def _subject_after(seg: str, verb_start: int, verb_end: int) -> tuple[str, int] | None:
    """Return the claimant after an inverted verb of saying ("..., said Gladkov.").

    Only right after a comma or quote closing what was said, and only for a capitalised
    name (with an appositive): "..., said on Friday" has no subject after the verb.
    """
    if not re.search(r"[,”\"»]\s*$", seg[:verb_start]):
        return None
    m = _INVERTED_SUBJECT.match(seg, verb_end)
    if m is None or m.group(1).split()[0].lower() in _NOT_SUBJECTS:
        return None
    return m.group(1), m.start(1)


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


# Words that refer back to the last claimant ("the ministry", "ведомство").
_ANAPHORS = word_set("anaphors")


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
    if not stripped and bounds and bounds[-1].group(0) == ")":
        # "Ukraine's military intelligence agency (HUR) said": the name before the brackets
        opening = seg.rfind("(", 0, prev_end)
        prev = _subject_before(seg, opening, depth + 1) if opening > 0 else None
        if prev is not None:
            inner = " ".join(seg[opening + 1 : prev_end].split())
            return f"{prev[0]} ({inner})", prev[1]
    if not stripped or parenthetical:
        return _subject_before(seg, prev_end, depth + 1) if comma else None
    words = stripped.split()
    if len(words) > 10 or re.match(r"^that\b", stripped, re.IGNORECASE):
        return None
    if depth and comma and re.match(r"^(?:the|a|an)\s+[a-z].*\b(?:who|for|of)\b", stripped):
        # "Pat Ryder, the major general who speaks for the Pentagon, told ...": only an
        # appositive between commas; "..., the governor of the Belgorod region said" is
        # the subject itself
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


# First words of a phrase before a verb that is not a claimant ("there", "its").
_NOT_SUBJECTS = word_set("not_subjects")


def _make_claimant(phrase: str, start: int) -> _Claimant:
    phrase = " ".join(phrase.split())
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.IGNORECASE)
    phrase = re.sub(r"(?:\s+(?:has|have|had|also|officially|reportedly|not))+$", "", phrase)
    phrase = phrase.rstrip(" ,")
    # The sentence's full stop after an inverted subject ("..., said Belgorod Governor."),
    # not an abbreviation's ("U.S.", "Gen.").
    phrase = re.sub(r"(?<=[a-zа-яёіїєґ]{4})\.$", "", phrase)
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
    parts = [
        re.sub(r"^(?:the|a|an)\s+", "", p.strip(), flags=re.IGNORECASE)
        for p in re.split(r",\s*|\s+(?:and|и|та)\s+", name)
        if p.strip()
    ]
    if len(parts) > 1 and len(parts[-1].split()) >= 2:
        # "South Korean, US and Ukrainian intelligence": the head noun is shared.
        head = parts[-1].split()[-1]
        parts = [
            f"{p} {head}" if re.search(r"(?:an|ese|ish|ch)$|^[A-Z]{2,4}$", p.split()[-1]) else p
            for p in parts[:-1]
        ] + parts[-1:]
    joint: tuple[tuple[str, str], ...] = ()
    side = _side(phrase)
    if len(parts) > 1:
        sides = [_side(p) for p in parts]
        if len(set(sides)) > 1 and "other" not in sides:
            # "Ukraine's military intelligence and the Pentagon": two claimants, each
            # with its own side; assembly makes one claim for each.
            joint = tuple(zip(parts[1:], sides[1:], strict=True))
            name, side = parts[0], sides[0]
    return _Claimant(name, side, start, start + len(phrase), person, role, joint)


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
    rf"\b({alternation(word_list('support_verbs', column='stem'))})\w*",
    re.IGNORECASE,
)
_DISPUTE = re.compile(
    rf"\b({alternation(word_list('dispute_verbs', column='stem'))})\w*",
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


# --- sides implied by the text -----------------------------------------------------

# Country code -> the side its regional authorities speak for.
_COUNTRY_SIDES = country_sides()
_REGIONAL_AUTHORITY = re.compile(
    r"governor|administration|mayor|head of|губернатор|администрац|адміністрац|\bмэр|\bмер\b|"
    r"глав[аы]\b|голов[аи]\b|\bОВА\b|\bОДА\b|оперативн\w* штаб|operational headquarters",
    re.IGNORECASE,
)
#: A first name and a surname (two capitalised words, not abbreviations) that end the
#: phrase or a part of it: "governor Ivan Fedorov", «Сергій Лисак, начальник ...».
_PERSON_NAME = re.compile(
    r"\b[A-ZА-ЯЁІЇЄ][a-zа-яёіїєґ’'-]+\s+[A-ZА-ЯЁІЇЄ][a-zа-яёіїєґ’'-]+(?=\s*(?:,|$))"
)


def _drop_person(m: re.Match[str]) -> str:
    """Drop a matched first name and surname, keep an office ("Belgorod Governor")."""
    words = m.group(0)
    office = _REGIONAL_AUTHORITY.search(words) or _ORG_NOUNS.search(words)
    return words if office else " "


# (admin1 code, language) -> the side whose appointees govern the region.
_INSTALLED = installed_authorities()
_MAYOR = re.compile(r"mayor|\bмэр|\bмер\b|міськ|городск", re.IGNORECASE)
_NATIONAL_BODY = re.compile(
    r"генштаб|генеральн\w* штаб|міноборони|міністерств\w* оборони|командуван|розвідк|"
    r"сил\w* оборони|прикордон",
    re.IGNORECASE,
)


def _implied_side(
    name: str, places: Sequence[PlaceMention], language: str, gc: Geocoder
) -> str | None:
    """Return the side of a claimant its name does not state outright, or None.

    A regional authority ("Belgorod Governor", "губернатор Курской области",
    "Харківській обласній військовій адміністрації") speaks for the country its region
    is in: the region comes from the gazetteer, or else from the places of the sentence.
    A governor or head of a region Russia installed its own in
    (``installed_authorities.csv``: Crimea; in Russian text also Donetsk, Luhansk,
    Zaporizhzhia and Kherson Oblast) speaks for Russia; a mayor is the city's own.
    An unqualified national body in a Ukrainian text ("Генштабу", "Міноборони") is
    Ukraine's own.
    """
    if _REGIONAL_AUTHORITY.search(name):
        regions: set[tuple[str, str]] = set()
        # A person's first name and surname are not a region ("Ivan" is no Ivanovo Oblast).
        unnamed = _PERSON_NAME.sub(_drop_person, name)
        for w in re.findall(r"\b[A-ZА-ЯЁІЇЄ][\w’'-]{3,}", unnamed):
            for form in _lookup_forms(w):
                areas = gc.find_areas(f"{form} область")
                regions |= {(p.country_code, p.admin1_code) for a in areas for p in a.places}
                if regions:
                    break
        if not regions:
            regions = {
                (p.result.place.country_code, p.result.place.admin1_code)
                for p in places
                if p.status == "resolved" and p.result.place is not None
            }
        installed = {_INSTALLED.get((code, language)) for _, code in regions}
        if regions and len(installed) == 1 and None not in installed and not _MAYOR.search(name):
            return installed.pop()
        countries = {country for country, _ in regions}
        if len(countries) == 1:
            side = _COUNTRY_SIDES.get(countries.pop())
            if side:
                return side
    if language == "uk" and _NATIONAL_BODY.search(name):
        return "ukraine"
    return None


def _referenced_side(rest: str) -> str | None:
    m = re.search(r"([\w’' -]{0,40}?)\s*(?:claim|account|report|figures|statement)", rest)
    if m:
        side = _side(m.group(1))
        return side if side != "other" else None
    return None
