"""Dictionary forms of inflected Cyrillic place names ("Суджи" -> "Суджа").

A Russian or Ukrainian name in a sentence is usually in an oblique case; the
gazetteer knows its nominative.  Each word's case ending is replaced by the
nominative endings it may come from (``case_endings.csv``: the first ending the
word ends with is used, its nominatives are tried in file order) and the forms
are looked up likeliest first.
"""

from __future__ import annotations

from geokursk.extract.vocab import case_endings
from geokursk.normalize import has_cyrillic

# Case endings of Russian/Ukrainian place names and the nominative endings they come from.
_CASE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = case_endings()


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


def _cyrillic_lemmas(word: str) -> list[str]:
    low = word.lower()
    out = [word]
    for ending, repl in _CASE_ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            base = word[: len(word) - len(ending)]
            out.extend(base + r for r in repl)
            break
    return out
