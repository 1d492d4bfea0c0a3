"""Figures: numbers of people killed, wounded, captured... in a sentence.

Numbers are digits ("1,200", "2.5 thousand", "10 тыс."), number words ("twenty-four",
"трёх": ``units.csv``, ``tens.csv``, ``cyrillic_numbers.csv``, ``multipliers.csv``) or
vague quantities ("dozens", "несколько": ``vague_quantities.csv``).  A number counts
people when a people noun or a figure verb follows it ("30 soldiers", "two killed"):
its kind (``killed``, ``wounded``, ``killed_or_wounded``...) comes from the verb nearest
to it, its qualifier from the phrase before it ("at least", "более":
``qualifiers.csv``), its subject from the people noun and the adjectives before it.
Dates and years are not figures; "two tanks" is not a figure either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from geokursk.extract.dates import DateMention
from geokursk.extract.text import _STOP_WORDS
from geokursk.extract.vocab import (
    alternation,
    number_table,
    pattern_list,
    pattern_table,
    phrase_table,
    vague_quantities,
    word_list,
    word_set,
)

__all__ = ["FigureCandidate"]


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
    #: The side of who was hit (not who fired), when the text says or implies it.
    subject_side: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the claims-model figure (``kind, value, qualifier, subject, ...``)."""
        return {
            "kind": self.kind,
            "value": self.value,
            "qualifier": self.qualifier,
            "subject": self.subject,
            "subject_side": self.subject_side,
            "note": self.note,
        }


_UNITS = number_table("units", "value")
_TENS = number_table("tens", "value")
_CYR_NUMBERS = number_table("cyrillic_numbers", "value")
_MULTIPLIERS = number_table("multipliers", "value")
# "hundred|thousand|million" after a number word ("two hundred")
_EN_MULTIPLIERS = alternation(number_table("multipliers", "value", language="en"))
# Vague quantities: word -> (lower bound, qualifier)
_VAGUE = vague_quantities()
# Phrases before a number -> qualifier; the longest matching phrase wins.
_QUALIFIERS = phrase_table("qualifiers", "qualifier")
# Words naming what a number counts -> figure kind (``figure_kind_words.csv``), each
# kind's alternatives joined; ``killed_or_wounded`` phrases come first.
_KIND_WORDS: tuple[tuple[str, str], ...] = pattern_table("figure_kind_words", "kind")
# Nouns that count people ("30 soldiers", «два человека», «14 мирних жителів»):
# ``people_nouns.csv``, one regular-expression alternative a row.
_PEOPLE = re.compile(rf"\b({'|'.join(pattern_list('people_nouns'))})\b", re.IGNORECASE)
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
        rf"(?:\s+({_EN_MULTIPLIERS}))?(?!\w)",
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


#: A number found in a sentence: start, end, value (None: vague), qualifier, note.
_Number = tuple[int, int, float | int | None, str, str | None]


def _find_figures(
    text: str, start: int, end: int, dates: Sequence[DateMention]
) -> list[FigureCandidate]:
    seg = text[start:end]
    numbers: list[_Number] = []
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
        if not (_counts_people(after) or _HARMED_BEFORE.search(seg, 0, fig_start)):
            continue  # "two tanks", "three armoured vehicles", "20 km"
        # Several figures in one clause ("killed two civilians and wounded at least nine
        # others"): each number's kind is read up to the next number, falling back to the
        # whole clause for a shared verb ("two soldiers and three civilians were killed").
        nxt = next((n[0] for n in numbers if n[0] >= b), None)
        own = after[: nxt - b] if nxt is not None else after
        joined = not re.search(r"[,;—–]\s*$", before)
        kind = _choose_kind(_kind(own), _kind(before[-80:], backwards=True), joined=joined)
        if kind is None:
            kind = _choose_kind(_kind(after), None)
        if kind is None:
            continue
        subject = _subject(after) or _subject(before[-60:])
        if subject is None and _COLLECTIVE.search(seg[a:b]):
            subject = seg[a:b]  # «Ещё четверо ранены»: a collective numeral counts people
        if subject is None:
            continue
        subject = " ".join(_enrich_subject(subject, seg).split())
        out.append(
            FigureCandidate(
                kind, value, qual, subject, seg[fig_start:b], start + fig_start, start + b, note
            )
        )
    out += _listed_people(seg, start, numbers, out)
    out += _single_people(seg, start, numbers, out)
    out.sort(key=lambda f: f.start)
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


# One person, named without a number: "a woman was killed", "killing a civilian",
# «погиб мирный житель», «чоловік дістав поранення».  Nouns and verbs are singular forms
# (``single_people.csv``, ``single_casualty_verbs.csv``, with the verb's kind), so that
# «погибли мужчины» or "men were killed" never count as one.
_SINGLE_KIND = {p.lower(): k for p, k in phrase_table("single_casualty_verbs", "kind")}
_SINGLE_NOUN = alternation(sorted(word_list("single_people"), key=len, reverse=True))
_SINGLE_VERB = alternation(sorted(_SINGLE_KIND, key=len, reverse=True))
# A word between noun and verb, but not a conjunction: "killed two men and a woman".
_GAP_WORD = rf"(?!(?:{alternation(word_list('list_conjunctions'))})\b)[\w’'-]+"
_SINGLE = re.compile(
    # the noun, at most two words (an age, "45,") and the verb: "a man, 45, was killed"
    rf"(?<![\w-])(?P<n1>{_SINGLE_NOUN})(?:[\s,]+{_GAP_WORD}){{0,2}}?[\s,]+(?P<v1>{_SINGLE_VERB})"
    rf"(?![\w-])"
    # the verb, at most two words (an article, an adjective) and the noun
    rf"|(?<![\w-])(?P<v2>{_SINGLE_VERB})(?:\s+{_GAP_WORD}){{0,2}}?\s+(?P<n2>{_SINGLE_NOUN})"
    rf"(?![\w-])",
    re.IGNORECASE,
)
# Several people named one by one, without a number: "a woman and her son were killed",
# «погибли мужчина и женщина», «поранені чоловік та його дружина».  The list is counted;
# a noun-first list takes a plural verb (``plural_casualty_verbs.csv``: "a man was
# killed and a woman was hurt" are two single people), a verb-first list either
# («погибла женщина и её сын»).
_PLURAL_KIND = {p.lower(): k for p, k in phrase_table("plural_casualty_verbs", "kind")}
_PLURAL_VERB = alternation(sorted(_PLURAL_KIND, key=len, reverse=True))
_ANY_VERB = alternation(sorted({*_PLURAL_KIND, *_SINGLE_KIND}, key=len, reverse=True))
# One person of a list: a determiner or one modifier (an article, a possessive, an
# adjective: "her", «местный», «його»), then the noun.
_PERSON = (
    rf"(?:(?!(?:{alternation(word_list('list_conjunctions'))}|{_ANY_VERB})\b)[\w’'-]+\s+)?"
    rf"(?:{_SINGLE_NOUN})(?![\w-])"
)
_AND = r"\s*(?:,\s*)?(?:and|и|і|та|й)\s+"
_PEOPLE_LIST = rf"{_PERSON}(?:\s*,\s*{_PERSON})*{_AND}{_PERSON}"
_LISTED = re.compile(
    rf"(?<![\w-])(?P<l1>{_PEOPLE_LIST})[\s,]+(?P<v1>{_PLURAL_VERB})(?![\w-])"
    rf"|(?<![\w-])(?P<v2>{_ANY_VERB})\s+(?P<l2>{_PEOPLE_LIST})",
    re.IGNORECASE,
)
_ONE_NOUN = re.compile(rf"(?<![\w-])(?:{_SINGLE_NOUN})(?![\w-])", re.IGNORECASE)
#: Russian and Ukrainian collective numerals (двое, троє, четверо), which count only people.
_COLLECTIVE = re.compile(r"(?:ое|оє|еро)$", re.IGNORECASE)
_AGE = re.compile(r"-?(?:year|летн|річн)", re.IGNORECASE)  # "a 60-year-old man"
_NEGATOR = re.compile(r"(?<![\w-])(?:no|not|never|без|не|ни|ні|жоден|жодна)\s", re.IGNORECASE)
_NEGATED = re.compile(r"(?<![\w-])(?:no|not|never|без|не|ни|ні)\s+$", re.IGNORECASE)


def _uncounted(
    seg: str,
    m: re.Match[str],
    verb: str,
    numbers: Sequence[_Number],
    found: Sequence[FigureCandidate],
    start: int,
) -> bool:
    """Tell whether people matched without a number may be counted here.

    Not when the match holds a number or a number counts its noun ("one man", "2
    women": the numbers count them), lies inside a figure already found, or is negated
    ("no civilian was hurt", «не пострадал ни один житель»).
    """
    a, b = m.start(), m.end()
    if any(x < b and a - 12 < y and not _AGE.match(seg, y) for x, y, *_ in numbers):
        return False
    if any(f.start - start < b and a < f.end - start for f in found):
        return False
    return not (
        _NEGATED.search(seg[max(0, a - 12) : a])
        or _NEGATED.search(seg[max(0, m.start(verb) - 12) : m.start(verb)])
    )


def _listed_people(
    seg: str,
    start: int,
    numbers: Sequence[_Number],
    found: Sequence[FigureCandidate],
) -> list[FigureCandidate]:
    """Return a figure for people killed, wounded... named one by one in a list.

    "A woman and her son were killed" counts 2, «погибли мужчина, женщина и ребёнок" 3.
    """
    out: list[FigureCandidate] = []
    for m in _LISTED.finditer(seg):
        people = "l1" if m.group("l1") else "l2"
        verb = "v1" if m.group("v1") else "v2"
        if not _uncounted(seg, m, verb, numbers, [*found, *out], start):
            continue
        if _NEGATOR.search(m.group(people)):
            continue  # "no man and no woman were hurt"
        said = " ".join(m.group(verb).lower().split())
        kind = _PLURAL_KIND.get(said) or _SINGLE_KIND[said]
        nouns = _ONE_NOUN.findall(m.group(people))
        out.append(
            FigureCandidate(
                kind,
                len(nouns),
                "exact",
                " ".join(m.group(people).split()),
                m.group(0),
                start + m.start(),
                start + m.end(),
                f"{len(nouns)} people named one by one",
            )
        )
    return out


def _single_people(
    seg: str,
    start: int,
    numbers: Sequence[_Number],
    found: Sequence[FigureCandidate],
) -> list[FigureCandidate]:
    """Return a figure of 1 for each person killed, wounded... named without a number.

    A match that holds a number, or whose noun a number counts ("one man was
    killed", "2 women"), is left to the numbers; so is one inside a figure already
    found.  A negated one ("no civilian was hurt", «не пострадал ни один житель»)
    counts no one.
    """
    out: list[FigureCandidate] = []
    for m in _SINGLE.finditer(seg):
        noun = "n1" if m.group("n1") else "n2"
        verb = "v1" if m.group("v1") else "v2"
        a, b = m.start(), m.end()
        if not _uncounted(seg, m, verb, numbers, found, start):
            continue
        kind = _SINGLE_KIND[" ".join(m.group(verb).lower().split())]
        out.append(
            FigureCandidate(
                kind,
                1,
                "exact",
                m.group(noun),
                m.group(0),
                start + a,
                start + b,
                "one person named without a number",
            )
        )
    return out


#: "killed three people and wounded 11, the governor said": a number right after a verb
#: that only harms people counts people, whatever follows it.
_HARMED_BEFORE = re.compile(
    r"\b(?:kill(?:ed|ing)|wound(?:ed|ing)|injur(?:ed|ing)|убил[аи]?|ранил[аи]?|"
    r"вбил[аи]?|поранил[аи]?|поранив)\s+$",
    re.IGNORECASE,
)


def _choose_kind(
    after: tuple[int, str] | None, before: tuple[int, str] | None, *, joined: bool = True
) -> str | None:
    """Prefer a specific kind over generic "losses"; a verb right before the number wins.

    Not across a comma (``joined=False``): in «ще 35 поранено, трьох взято в полон» the
    three were captured.
    """
    found = [k for k in (after, before) if k is not None]
    if any(k[1] != "personnel_losses" for k in found):
        found = [k for k in found if k[1] != "personnel_losses"]
        after = after if after in found else None
        before = before if before in found else None
    if before is not None and before[0] <= 2 and (joined or after is None):
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


# Auxiliary verbs that may stand between a number and what it counts.
_AUX = word_set("auxiliary_verbs")


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
    # The match that starts leftmost is the longest qualifier ending the text.
    m = _QUALIFIER_AT_END.search(low)
    if m is None:
        return None
    return _QUALIFIER_OF[m.group(1)], len(m.group(1)) + trailing


_LONGEST_FIRST = sorted(_QUALIFIERS, key=lambda q: -len(q[0]))
#: Any qualifier ("at least", «не менее») that ends the text, longest first.
_QUALIFIER_AT_END = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(phrase) for phrase, _ in _LONGEST_FIRST) + r")$"
)
_QUALIFIER_OF = dict(reversed(_LONGEST_FIRST))  # the first of a repeated phrase wins


def _clause(s: str, *, forward: bool) -> str:
    if forward:
        m = re.search(r"[;:.!?]|,\s+(?:while|but|and the|according)|\b(which|who)\b", s)
        return s[: m.start()] if m else s
    # A full stop inside a date ("24.02.22") does not end a clause.
    ends = [m.end() for m in re.finditer(r"[;:!?]|(?<!\d)\.|\.(?!\d)", s)]
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
            found.append((dist, kind))
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
    """Give a bare soldier subject the nationality the sentence gives its side.

    "North Korean units lost at least 30 soldiers": North Korean soldiers.  Civilians and
    other non-combatants are never given the nationality of the troops in the sentence,
    nor is anyone given that of troops who attack ("Russian forces shelled Nikopol,
    killing two civilians": the civilians are not Russian).
    """
    if subject[0].isupper() or not _SOLDIERS.search(subject):
        return subject
    m = re.search(
        r"((?:[A-Z][a-z]+\s)?[A-Z][a-z]+(?:an|ian|ese|ish))\s+"
        r"(?:army\s+)?(?:troops|soldiers|units|forces|servicemen|army|fighters)"
        r"(?!\s+(?:\w+\s+)?(?:shelled|attacked|struck|hit|fired|launched|bombed|killed|"
        r"destroyed|shot|targeted))",
        sentence,
    )
    return f"{m.group(1)} {subject}" if m else subject


_SOLDIERS = re.compile(
    r"\b(?:soldiers?|troops|servicem[ae]n|service members|personnel|fighters|marines|"
    r"conscripts|mercenaries|militants)\b",
    re.IGNORECASE,
)


def _figure_label(f: FigureCandidate) -> str:
    value = "unspecified number" if f.value is None else f"{f.value:,}"
    qual = "" if f.qualifier in ("exact", "unspecified") else f.qualifier.replace("_", " ") + " "
    return f"{qual}{value} {f.kind.replace('_', ' ')} ({f.subject})"
