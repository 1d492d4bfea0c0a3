"""Name normalisation and romanisation.

News spells the same village many ways (Plekhovo, Plyokhovo, Plekhove,
Плёхово, Плехово; Martynovka, Martynivka, Мартинівка).  Three layers bring
them together:

``fold``
    Unicode-decomposes, drops diacritics, apostrophes and soft/hard signs,
    lowercases and collapses punctuation to single spaces.  Script is kept.
``latin_forms``
    Romanises Cyrillic by several standard systems (via :mod:`iuliia` for
    Russian and :mod:`translitua` for Ukrainian) plus common news forms, and
    returns the set of folded Latin *keys*.  Exact matching works on these.
``skeleton``
    A coarse phonetic key of a Latin key: Russian/Ukrainian letter pairs that
    news forms swap (kh/h, g/h, zh/z, ts/c, i/y/o/e...) are merged and vowels
    after the first letter are dropped, so ``plekhovo``, ``plyokhovo`` and
    ``plekhove`` all give ``plhv``.  It only *retrieves* fuzzy candidates;
    they are then scored with :func:`rapidfuzz.fuzz.ratio` on the keys.

The phonetic rules are written here because no library covers
Russian/Ukrainian cross-romanisation folding (``jellyfish``'s Soundex and
Metaphone are tuned to English spelling and merge far too much).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import iuliia
import translitua

__all__ = [
    "AREA_QUALIFIERS",
    "AREA_WORDS",
    "INVISIBLE",
    "fold",
    "has_cyrillic",
    "is_area_word",
    "is_river",
    "latin_forms",
    "name_key",
    "romanize",
    "skeleton",
    "split_area",
    "stem",
    "stems_compatible",
    "vowel_key",
    "word_forms",
]

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
# Apostrophes, primes, modifier letters and soft/hard signs carry no sound
# that news spellings agree on, so they are removed rather than spaced.
_SILENT = re.compile(
    r"[\u0027\u0060\u00b4\u02b9-\u02bf\u2018\u2019\u201b\u2032\u2033ьъЬЪ\u00b7\u201d\u201c\"]"
)
#: Invisible format characters of copied web text (soft hyphen, zero-width space and
#: joiners, word joiner, byte-order mark, directional marks): removed before comparison.
INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SPACE = re.compile(r"\s+")

# The systems whose output news writers actually use.  Rarer ones (ISO 9,
# scientific) mostly differ by diacritics that fold away, or by letters the
# consonant skeleton merges, so fuzzy matching still finds their forms.
_RUSSIAN_SCHEMES = (
    iuliia.WIKIPEDIA,
    iuliia.BGN_PCGN,
    iuliia.ICAO_DOC_9303,
    iuliia.MOSMETRO,
)
_UKRAINIAN_SCHEMES = (
    translitua.UkrainianKMU,
    translitua.UkrainianBGN,
)


def _area_table(name: str) -> dict[str, str]:
    """Read ``data/words/<name>.csv`` (columns ``word,level,language``) as word -> level."""
    import csv
    from importlib import resources

    text = (resources.files("geokursk") / "data" / "words" / f"{name}.csv").read_text(
        encoding="utf-8"
    )
    return {row["word"]: row["level"] for row in csv.DictReader(text.splitlines())}


#: Words that mark an administrative area in English, Russian, Ukrainian news text, with
#: the level they mark (``data/words/area_words.csv``).  A hromada (Ukrainian community)
#: is not a raion, nor an area the gazetteer holds: its name is its centre's («Лиманська
#: громада» is not the old Lymanskyi raion).  A bare okrug is a district: Belgorod
#: Oblast's districts are urban or municipal okrugs («Шебекинский городской округ»,
#: «Грайворонский округ»), and no autonomous okrug is an area of the gazetteer.
AREA_WORDS: dict[str, str] = _area_table("area_words")

#: Words standing between a name and its area word that belong to the area type:
#: «Шебекинского городского округа», "Shebekino urban district", «автономный округ»
#: (``data/words/area_qualifiers.csv``).  They count only before an area word.
AREA_QUALIFIERS: dict[str, str] = _area_table("area_qualifiers")

# split_area sees folded text (soft signs dropped: "область" -> "област").
_AREA_FOLDED: dict[str, str] = {}
_QUALIFIERS_FOLDED: dict[str, str] = {}


def has_cyrillic(text: str) -> bool:
    """Return True when ``text`` contains any Cyrillic letter."""
    return bool(_CYRILLIC.search(text))


def fold(text: str) -> str:
    """Fold a name to a comparison form, keeping its script.

    Parameters
    ----------
    text : str
        Any place name or phrase.

    Returns
    -------
    str
        Lowercase text without diacritics, apostrophes or soft signs, with
        every run of punctuation or whitespace turned into a single space.
        ``ё``/``й`` lose their diacritics like Latin letters do.

    Examples
    --------
    >>> fold("Plyókhovo")
    'plyokhovo'
    >>> fold("Bol'shoye  Soldatskoye")
    'bolshoye soldatskoye'
    >>> fold("Плёхово")
    'плехово'
    >>> fold("")
    ''
    """
    if len(text) <= _FOLD_CACHED_LEN:
        return _fold_short(text)
    return _fold(text)


#: Names, words and short phrases are folded again and again (every token of every
#: article, every candidate's name): their folds are cached; long texts are not.
_FOLD_CACHED_LEN = 80


@lru_cache(maxsize=262144)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if text.isascii() and text.replace(" ", "").isalnum():
        # ASCII letters, digits and spaces only (most names): nothing to decompose or
        # drop, so folding is lowercasing and collapsing the spaces, with the same result.
        return " ".join(text.lower().split()) if " " in text else text.lower()
    decomposed = unicodedata.normalize("NFKD", INVISIBLE.sub("", text))
    if not decomposed.isascii():  # ASCII has no combining marks to drop
        decomposed = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _SILENT.sub("", decomposed).lower()
    stripped = stripped.replace("_", " ")
    return _SPACE.sub(" ", _NON_WORD.sub(" ", stripped)).strip()


@lru_cache(maxsize=65536)
def romanize(name: str) -> tuple[str, ...]:
    """Romanise a Cyrillic name by every supported system.

    Parameters
    ----------
    name : str
        A name in Russian, Ukrainian or Belarusian Cyrillic.  Latin input is
        returned unchanged as the only form.

    Returns
    -------
    tuple of str
        Distinct raw romanisations (not folded), first the most common news
        form.  Ukrainian-only letters (і, ї, є, ґ) select the Ukrainian
        systems first; Russian-only letters (ы, э, ъ, ё) the Russian ones;
        otherwise both families are applied.

    Examples
    --------
    >>> romanize("Плёхово")[0]
    'Plyokhovo'
    >>> romanize("Мартинівка")[0]
    'Martynivka'
    """
    if not has_cyrillic(name):
        return (name,)
    ukrainian = bool(_UKRAINIAN_ONLY.search(name))
    russian = bool(_RUSSIAN_ONLY.search(name))
    forms: list[str] = []
    if ukrainian:
        forms += [_translate(s, name) for s in _UKRAINIAN_SCHEMES]
    if russian or not ukrainian:
        forms += [_translate(s, name) for s in _RUSSIAN_SCHEMES]
        # Some systems keep "ё" as is; make it Latin "e" so keys stay Latin.
        forms = [f.replace("ё", "e").replace("Ё", "E") for f in forms]
    if not ukrainian and not russian:
        forms += [_translate(s, name) for s in _UKRAINIAN_SCHEMES[:1]]
    return tuple(dict.fromkeys(_finish(f) for f in forms))


def _translate(system: Any, name: str) -> str:
    """Romanise ``name`` by one system; lowercase phrases word by word, each word cached.

    Every system romanises each word on its own (word-initial rules look at the word
    only), so a phrase is the romanised words joined again; only a whole-string case
    rule (translitua upper-cases the result of an upper-case source) looks further,
    and it cannot fire on lowercase text.  Extraction romanises every n-gram of every
    Cyrillic article while looking for area names: the words repeat, the n-grams less.
    """
    if " " in name and name.islower():
        return " ".join(_translate_word(system, w) for w in name.split(" "))
    return _translate_word(system, name)


@lru_cache(maxsize=131072)
def word_forms(word: str) -> frozenset[str]:
    """Return every folded Latin form one folded word can take inside a phrase.

    Inside :func:`latin_forms` of a phrase, a word is romanised by the systems the
    whole phrase selects and may take a news ending; this returns its forms by every
    system, with every ending, so that what a phrase's forms can start or end with is
    known from its words alone (a superset: used to skip phrases that cannot match).

    Parameters
    ----------
    word : str
        One folded word (no spaces), in any script.

    Returns
    -------
    frozenset of str
        The word itself and its folded Latin forms.

    Examples
    --------
    >>> sorted(word_forms("области"))[:2]
    ['oblasti', 'oblasty']
    >>> word_forms("kursk")
    frozenset({'kursk'})
    """
    forms = {word}
    if has_cyrillic(word):
        for system in (*_RUSSIAN_SCHEMES, *_UKRAINIAN_SCHEMES):
            raw = _translate_word(system, word)
            for form in {raw, raw.replace("ё", "e").replace("Ё", "E")}:
                forms.update(fold(_finish(form)).split())
    for w in list(forms):
        for old, new in _ENDING_VARIANTS:
            if w.endswith(old):
                forms.add(w[: -len(old)] + new)
    return frozenset(forms)


def is_area_word(word: str) -> bool:
    """Tell whether a folded word marks an area type (``oblast``, ``raion``, ``району``...).

    Parameters
    ----------
    word : str
        One folded word.

    Returns
    -------
    bool
        True for the words of :data:`AREA_WORDS` (folded) and their Latin forms.
    """
    return word in _AREA_FOLDED


@lru_cache(maxsize=262144)
def _translate_word(system: Any, word: str) -> str:
    if system in _UKRAINIAN_SCHEMES:
        return str(translitua.translit(word, system))
    return str(system.translate(word))


def _finish(form: str) -> str:
    """Romanise letters one family's systems left (names mixing ы and і exist in the data)."""
    if form.isascii():
        return form
    if has_cyrillic(form):
        form = iuliia.WIKIPEDIA.translate(form)
    if has_cyrillic(form):
        form = translitua.translit(form, translitua.UkrainianKMU)
    return _CYRILLIC.sub("", form)


# News forms of endings that the standard systems do not produce.
_ENDING_VARIANTS: tuple[tuple[str, str], ...] = (
    ("skoye", "skoe"),
    ("skoe", "skoye"),
    ("skiy", "sky"),
    ("skii", "sky"),
    ("skyi", "sky"),
    ("iy", "y"),
    ("yy", "y"),
    ("aya", "aia"),
    ("oye", "oe"),
    ("eye", "ee"),
)
_ENDING_OLD = tuple(old for old, _new in _ENDING_VARIANTS)


def name_key(name: str) -> str:
    """Return the primary folded Latin key of a name (first romanisation, folded).

    Examples
    --------
    >>> name_key("Плёхово")
    'plyokhovo'
    >>> name_key("  Sudzha ")
    'sudzha'
    """
    return fold(romanize(name.strip())[0]) if name.strip() else ""


@lru_cache(maxsize=65536)
def latin_forms(name: str) -> frozenset[str]:
    """Return every folded Latin key under which ``name`` should be found.

    Parameters
    ----------
    name : str
        A name in Latin or Cyrillic script.

    Returns
    -------
    frozenset of str
        Folded keys from every romanisation system plus common news endings
        (``-skoye``/``-skoe``, ``-skiy``/``-sky``...).  Empty for a name with
        no letters or digits.

    Examples
    --------
    >>> sorted(latin_forms("Мартыновка"))
    ['martynovka']
    >>> "plekhovo" in latin_forms("Плёхово") and "plyokhovo" in latin_forms("Плёхово")
    True
    >>> latin_forms("—")
    frozenset()
    """
    keys: set[str] = set()
    for form in romanize(name):
        key = fold(form)
        if not key:
            continue
        keys.add(key)
        if not key.endswith(_ENDING_OLD) and " " not in key:
            continue  # no word has an ending to vary (the loop below would add nothing)
        words = key.split(" ")
        for old, new in _ENDING_VARIANTS:
            changed = [w[: -len(old)] + new if w.endswith(old) else w for w in words]
            if changed != words:
                keys.add(" ".join(changed))
    return frozenset(keys)


# Order matters: multi-letter groups first.  Each rule merges letters that
# Russian and Ukrainian romanisations (and news writers) swap for one sound.
_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("shch", "s"),
    ("sch", "s"),
    ("tch", "c"),
    ("kh", "h"),
    ("zh", "z"),
    ("sh", "s"),
    ("ch", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("ck", "k"),
    ("ph", "f"),
    ("x", "h"),
    ("g", "h"),
    ("w", "v"),
    ("q", "k"),
    ("j", "y"),
)
_DROP_VOWELS = str.maketrans("", "", "aeiouy")
_REPEATS = re.compile(r"(.)\1+")
# Iotated vowels (я ю є) are written ya/ia, yu/iu, ye/ie; Russian о, е, ы, и and
# Ukrainian і, и, е alternate between the two languages' forms of one name
# (Martynovka/Martynivka, Plekhovo/Plekhove), so they fall into one class "i".
_IOTATED = ((re.compile(r"[iy]a"), "a"), (re.compile(r"[iy]u"), "u"), (re.compile(r"[iy]e"), "e"))
_I_CLASS = re.compile(r"[oiye]")
_FINAL_VOWELS = re.compile(r"[aiu]+$")


def _merged_words(key: str) -> list[str]:
    """Split a key into words with the consonant groups of :data:`_SKELETON_RULES` merged."""
    if not key.isascii() and has_cyrillic(key):
        key = fold(romanize(key)[0])
    words = []
    for word in key.split():
        for old, new in _SKELETON_RULES:
            word = word.replace(old, new)
        words.append(word)
    return words


@lru_cache(maxsize=65536)
def vowel_key(key: str) -> str:
    """Return a key that keeps vowels only as the classes Russian/Ukrainian forms preserve.

    Consonants are merged as in :func:`skeleton`; о/е/ы/и/і become one class,
    а and у stay apart, and a word's final vowels (case endings, -ye/-ia) are
    dropped.  Two forms of one name agree on it (``martynovka`` and
    ``martynivka``; ``zaporozhye`` and ``zaporizhzhia``; ``pokrovska`` and
    ``pokrovsk``) while different names with one skeleton do not
    (``kurilovka``/``karlovka``, ``plekhovo``/``plakhovo``).

    Examples
    --------
    >>> vowel_key("martynovka") == vowel_key("martynivka")
    True
    >>> vowel_key("kurilovka") == vowel_key("karlovka")
    False
    """
    out = []
    for w in _merged_words(key):
        for pattern, repl in _IOTATED:
            w = pattern.sub(repl, w)
        w = _REPEATS.sub(r"\1", _I_CLASS.sub("i", w))
        w = _FINAL_VOWELS.sub("", w) or w
        out.append(w)
    return " ".join(out)


@lru_cache(maxsize=65536)
def skeleton(key: str) -> str:
    """Return the consonant skeleton of a folded Latin key.

    Parameters
    ----------
    key : str
        Output of :func:`fold` on a Latin name (Cyrillic is romanised first).

    Returns
    -------
    str
        Per word: the first letter, then the word's consonants after merging
        kh/h/g/x, zh/z, sh/shch/s, ch/ts/c; doubled letters collapsed.

    Examples
    --------
    >>> skeleton("plekhovo"), skeleton("plyokhovo"), skeleton("plekhove")
    ('plhv', 'plhv', 'plhv')
    >>> skeleton("martynivka") == skeleton("martynovka")
    True
    >>> skeleton("")
    ''
    """
    out = []
    for w in _merged_words(key):
        if not w:
            continue
        head, tail = w[0], w[1:].translate(_DROP_VOWELS)
        if head in "yj" and tail:
            head, tail = tail[0], tail[1:]
        out.append(_REPEATS.sub(r"\1", head + tail))
    return " ".join(out)


_ADJ_ENDINGS = (
    "skaya",
    "skiy",
    "skii",
    "skyi",
    "sky",
    "ska",
    "skoye",
    "skoe",
    "ske",
    "sk",
)
_STEM_ENDINGS = re.compile(r"(aya|aia|iy|ii|yi|yy|oye|oe|oy|ye|ogo|oi|a|e|i|o|u|y)$")


def stem(word: str) -> str:
    """Return a crude stem of one folded Latin word for area-name comparison.

    Drops inflectional endings (``kurskaya`` -> ``kursk``,
    ``sumy`` -> ``sum``, ``sudzhanskiy`` -> ``sudzhansk``).
    """
    s = _STEM_ENDINGS.sub("", word)
    return s if len(s) >= 3 else word


_AREA_SUFFIX = r"(an|in|ov|iv|ev|en|n|v|s)?sk|(an|in|ov|iv|ev|en)?c?k?"


def stems_compatible(a: str, b: str, *, skeletons: bool = True) -> bool:
    """Tell whether two area-name stems can name the same area.

    ``kursk`` ~ ``kursk``, ``sum`` ~ ``sumsk`` (Sumy / Sumska),
    ``sudzh`` ~ ``sudzhansk`` (Sudzha / Sudzhansky), ``kharkiv`` ~
    ``kharkovsk`` (via the skeleton).  The longer stem may only add an
    adjectival suffix (``sk``, optionally after ``an``/``in``/``ov``/``iv``/``ev``).
    With ``skeletons=False`` the stems are compared as spelled only.

    Examples
    --------
    >>> stems_compatible("sudzh", "sudzhansk"), stems_compatible("sum", "sumsk")
    (True, True)
    >>> stems_compatible("kursk", "kurchatovsk")
    False
    >>> stems_compatible("kharkiv", "kharkovsk", skeletons=False)
    False
    """
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    candidates = {short, skeleton(short)} if skeletons else {short}
    rest_long = {long_, skeleton(long_)} if skeletons else {long_}
    for base in candidates:
        for full in rest_long:
            if full == base:
                return True
            if full.startswith(base):
                suffix = full[len(base) :]
                if len(base) >= 3 and re.fullmatch(_AREA_SUFFIX, suffix):
                    return True
    return False


for _table, _folded in ((AREA_WORDS, _AREA_FOLDED), (AREA_QUALIFIERS, _QUALIFIERS_FOLDED)):
    _folded.update({fold(k): v for k, v in _table.items()})
    # Area phrases in Cyrillic are matched in their Latin forms: «района» -> raiona, rayona.
    _folded.update(
        {k: v for word, v in _table.items() if has_cyrillic(word) for k in latin_forms(word)}
    )


def split_area(phrase: str) -> tuple[str, str | None]:
    """Split a trailing or leading area word off a folded phrase.

    Returns
    -------
    tuple
        ``(core, level)`` where ``level`` is ``"admin1"``, ``"admin2"`` or
        ``None`` when the phrase names no area type.

    Examples
    --------
    >>> split_area("kursk region")
    ('kursk', 'admin1')
    >>> split_area("sudzhansky district")
    ('sudzhansky', 'admin2')
    >>> split_area(fold("Курская область"))
    ('курская', 'admin1')
    >>> split_area("plekhovo")
    ('plekhovo', None)
    >>> split_area(fold("Шебекинского городского округа"))
    ('шебекинского', 'admin2')
    >>> split_area("khanty mansi autonomous okrug")
    ('khanty mansi', 'admin1')
    """
    words = phrase.split()
    if len(words) >= 2:
        if words[-1] in _AREA_FOLDED:
            level = _AREA_FOLDED[words[-1]]
            core = words[:-1]
            if len(core) >= 2 and core[-1] in _QUALIFIERS_FOLDED:
                level = _QUALIFIERS_FOLDED[core.pop()]
            return " ".join(core), level
        if words[0] in _AREA_FOLDED:
            return " ".join(words[1:]), _AREA_FOLDED[words[0]]
    return phrase, None


# --- rivers ------------------------------------------------------------------------

#: Words that make a phrase a river's name ("the Dnipro river", «река Сейм», «річка Псел»).
RIVER_WORDS = frozenset({"river", "reka", "reki", "reke", "rekoi", "richka", "richky", "r"})


@lru_cache(maxsize=1)
def _river_keys() -> frozenset[str]:
    """Folded Latin keys of the river names in ``data/rivers.csv``."""
    import csv
    from importlib import resources

    text = (resources.files("geokursk") / "data" / "rivers.csv").read_text(encoding="utf-8")
    return frozenset(
        k for row in csv.DictReader(text.splitlines()) for k in latin_forms(row["name"])
    )


def is_river(phrase: str) -> bool:
    """Tell whether a phrase names a river rather than a settlement.

    A river word next to the name ("the Dnipro river", «река Сейм», «р. Псел»), or
    "the" before a known river name ("the Seym"), makes it a river.  A bare name
    ("Dnipro", "Seym") is not decided here: towns and villages carry river names.

    Examples
    --------
    >>> is_river("the Dnipro river"), is_river("река Сейм"), is_river("the Seym")
    (True, True, True)
    >>> is_river("Dnipro"), is_river("Kursk region")
    (False, False)
    """
    words = fold(romanize(phrase.strip())[0]).split() if phrase.strip() else []
    if len(words) < 2:
        return False
    if words[0] in RIVER_WORDS or words[-1] in RIVER_WORDS:
        return True
    return words[0] == "the" and " ".join(words[1:]) in _river_keys()
