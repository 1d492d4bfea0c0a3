"""Extraction of place mentions and claim candidates from article text.

:func:`extract_article` reads a news article (English, Russian or Ukrainian)
and returns an :class:`Extraction`: every place mention with its character
span and geocoding result, and *claim candidates* -- one per sentence that
attributes figures, places or a response to a claimant -- in the shape of the
``geokursk claims --json`` records.

Nothing is known in advance about particular places: every place name comes
from the gazetteer.

One module per step:

* :mod:`~geokursk.extract.text` -- reading articles (:func:`read_article`),
  sentences, words and stop lists;
* :mod:`~geokursk.extract.vocab` -- the word lists and rule tables, read from
  ``data/words/extract/*.csv``;
* :mod:`~geokursk.extract.morphology` -- dictionary forms of inflected Cyrillic
  names;
* :mod:`~geokursk.extract.places` -- finding and resolving place mentions
  (:class:`PlaceMention`);
* :mod:`~geokursk.extract.dates` -- dates, datelines and the reference date
  (:class:`DateMention`);
* :mod:`~geokursk.extract.figures` -- figures (:class:`FigureCandidate`);
* :mod:`~geokursk.extract.claimants` -- claimants, sides, channels, responses;
* :mod:`~geokursk.extract.assembly` -- claim candidates, links between them and
  :func:`extract_article` (:class:`ClaimCandidate`, :class:`Extraction`).

How places are found (:mod:`~geokursk.extract.places`)
------------------------------------------------------
1. **Area phrases** ("Kursk region", "Sumy Oblast", "в Курской области",
   "Russia") are recognised by :meth:`Geocoder.find_areas`; "Kursk border
   region" and "Kursk and Belgorod regions" are read as area phrases too.
2. **Candidate names** are runs of capitalised words (Latin or Cyrillic), with
   leading function words, titles, months and weekdays stripped.  Inflected
   Cyrillic forms are tried in their dictionary form as well ("Суджи" ->
   "Суджа", "Мартыновки" -> "Мартыновка"; :mod:`~geokursk.extract.morphology`).
3. A candidate becomes a **place mention** when its whole run matches a
   gazetteer key *and* there is evidence it names a place here: a place
   word before it ("near", "in", "village of", "в районе", "біля", "southwest
   of", «севернее», «у бік», «у селищі»...: ``data/words/extract/*_triggers.csv``;
   a one-word place word, or a verb, opening a sentence is not part of the name), a
   place listed with it ("X, Y and Z"), a match inside the article's regions,
   or a prominent match (a capital, a country, a city of 100,000+).  A
   country named for who speaks ("Russia's defence ministry said") is not one
   of the article's regions; a region whose governor speaks is.
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

How claim candidates are built (:mod:`~geokursk.extract.assembly`)
------------------------------------------------------------------
Per sentence: the claimant ("X said", "according to X", "spokesperson X",
"сообщило X", "за даними X"), its side (:mod:`~geokursk.extract.claimants`),
figures with qualifier and kind ("at least 30 soldiers killed and wounded" ->
``killed_or_wounded``, 30, ``at_least``; :mod:`~geokursk.extract.figures`), the
sentence's places with the relation the text uses, dates (relative dates
resolved against a reference date whose basis is exposed;
:mod:`~geokursk.extract.dates`), responses ("declined to comment", "did not
reply") and links (a sentence that "backed up" or "denied" another side's claim).

Word lists
----------
Stop words, titles, month and weekday names, place triggers, number words,
qualifiers, pronouns and the like are data, not code: one CSV file per list in
``geokursk/data/words/extract/`` (see :mod:`~geokursk.extract.vocab`).
"""

from __future__ import annotations

from geokursk.errors import ArticleError as ArticleError  # raised by read_article, extract_article
from geokursk.extract.assembly import ClaimCandidate, Extraction, extract_article
from geokursk.extract.dates import DateMention
from geokursk.extract.figures import FigureCandidate
from geokursk.extract.places import PROMINENT_POPULATION, PlaceMention
from geokursk.extract.text import read_article

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
