"""Article text: reading an article file, splitting it into sentences, words.

Sentence ends are ``.``, ``!``, ``?`` or ``…`` before a capitalised word (or the end
of the text) and blank lines; a full stop after an abbreviation
(``abbreviations.csv``: "Gen.", "обл.") or a single letter does not end a sentence.
Words are runs of letters (with inner hyphens and apostrophes); the stop words
(``stop_words.csv``) and titles (``title_words.csv``) are capitalised words that are
never place names.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from pathlib import Path

from geokursk.errors import ArticleError
from geokursk.extract.vocab import word_set
from geokursk.normalize import INVISIBLE

__all__ = ["read_article", "without_invisible"]


#: Articles larger than this are refused by :func:`read_article` (and by ``batch``).
DEFAULT_MAX_BYTES = 1 << 20


def read_article(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read an article file as UTF-8 text.

    Parameters
    ----------
    path : str or pathlib.Path
        The article file.
    max_bytes : int, default :data:`DEFAULT_MAX_BYTES` (1 MiB)
        A larger file is refused before it is read (``/dev/zero`` too).

    Returns
    -------
    str
        The text, without a byte-order mark.

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
        with p.open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise ArticleError(f"article file not found: {str(path)!r}") from None
    except OSError as exc:
        raise ArticleError(
            f"cannot read article {str(path)!r}: {exc.strerror or exc}; give a text file"
        ) from None
    if len(data) > max_bytes:
        raise ArticleError(
            f"{str(path)!r} is over the size limit of {max_bytes} bytes; raise it with "
            "--max-bytes (Python: max_bytes=) or split the article"
        )
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


# --- sentences -----------------------------------------------------------------------

_ABBREVIATIONS = word_set("abbreviations")
_SENT_END = re.compile(r"[.!?…]+[\"'”»’)]*(?=\s+[\"“«(‘']?[^\W\d_]|\s*$)|\n\s*\n", re.UNICODE)


def _split_sentences(text: str) -> list[tuple[int, int]]:
    """Return sentence spans; blank lines always end a sentence, abbreviations never do."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        if m.group(0).startswith((".", "!", "?", "…")) or m.group(0)[0] in ".!?…":
            before = re.search(r"(\S+)$", text[start : m.start()])
            word = before.group(1).lower().rstrip(".") if before else ""
            # an abbreviation or an initial ("A. Smith"), not a day ("on March 2. Russian")
            if m.group(0)[0] == "." and (
                word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())
            ):
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


def _sentence_of(
    pos: int, sentences: Sequence[tuple[int, int]], starts: Sequence[int] | None = None
) -> int:
    """Return the index of the sentence holding ``pos`` (the last one when none does).

    ``starts`` (the sentences' starts, in order) makes it a binary search: a long text
    asks this for every place it names.
    """
    if starts is None:
        starts = [s for s, _ in sentences]
    i = bisect.bisect_right(starts, pos) - 1
    if i >= 0 and pos < sentences[i][1]:
        return i
    return max(0, len(sentences) - 1)


# --- words ---------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"[’']s?$")

# Capitalised words that start sentences or titles and are never place names here.
_STOP_WORDS = word_set("stop_words")
# Titles before a person's name ("President Vladimir Putin", "генерал-майор ...").
_TITLE_WORDS = word_set("title_words")


# --- language --------------------------------------------------------------------------

_UK_ONLY = re.compile("[іїєґІЇЄҐ]")
_RU_ONLY = re.compile("[ыэъЫЭЪ]")
_CYRILLIC = re.compile("[а-яёА-ЯЁіїєґІЇЄҐ]")
_LATIN = re.compile("[a-zA-Z]")


@functools.lru_cache(maxsize=64)
def text_language(text: str) -> str:
    """Return ``"uk"``, ``"ru"`` or ``"en"``: the language an article is written in.

    Cyrillic text is Ukrainian when it has more letters only Ukrainian uses (і, ї, є,
    ґ) than letters only Russian uses (ы, э, ъ); Latin text is taken as English.

    Examples
    --------
    >>> text_language("Ворог атакував біля Часового Яру."), text_language("Бои под Суджей.")
    ('uk', 'ru')
    >>> text_language("Fighting near Sudzha.")
    'en'
    """
    if len(_CYRILLIC.findall(text)) < len(_LATIN.findall(text)):
        return "en"
    return "uk" if len(_UK_ONLY.findall(text)) > len(_RU_ONLY.findall(text)) else "ru"


def without_invisible(text: str) -> tuple[str, list[int] | None]:
    """Remove invisible format characters, keeping the way back to the original offsets.

    A soft hyphen or zero-width space inside a name (``Su\u00addzha``, common in
    text copied from the web) would cut the name in two.

    Parameters
    ----------
    text : str
        The article as given.

    Returns
    -------
    clean : str
        ``text`` without the characters of :data:`geokursk.normalize.INVISIBLE`.
    positions : list of int or None
        For each character of ``clean`` (and one past its end), its offset in
        ``text``; ``None`` when nothing was removed.

    Examples
    --------
    >>> without_invisible("Su\u00addzha")
    ('Sudzha', [0, 1, 3, 4, 5, 6, 7])
    """
    if not INVISIBLE.search(text):
        return text, None
    positions = [i for i, ch in enumerate(text) if not INVISIBLE.match(ch)]
    clean = "".join(text[i] for i in positions)
    positions.append(len(text))
    return clean, positions
