"""Dates: date expressions in a sentence, the article's dateline, the reference date.

A sentence's dates are ISO dates, day ranges ("5-6 December"), day and month ("Dec.
17", "17 декабря"), months, weekdays and relative days ("yesterday", "вчера"); the
month, weekday and relative-day words are in ``months.csv``, ``weekdays.csv`` and
``relative_days.csv``.  A date without a year, a weekday or a relative day is resolved
against the reference date: the given publication date, else the dateline at the top
of the text (a republication warning is noted when the two differ), else none.  Each
date gets a role: when the claim was made, or when the event began or ended.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from geokursk.extract.vocab import alternation, number_table
from geokursk.normalize import has_cyrillic

__all__ = ["DateMention"]

# Month words (English, Russian and Ukrainian genitive and locative) -> 1-12.
_MONTHS = number_table("months", "month")
# Weekday words (the accusative after "в"/"у" in Russian and Ukrainian) -> 0 = Monday.
_WEEKDAYS = number_table("weekdays", "weekday")
# Relative day words -> days from the reference date.
_RELATIVE_DAYS = number_table("relative_days", "days")


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


_RELATIVE_RE = alternation(_RELATIVE_DAYS)
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
    ("relative", re.compile(rf"(?<!\w)({_RELATIVE_RE})(?!\w)", re.IGNORECASE)),
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


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None
