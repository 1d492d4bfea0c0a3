"""Place phrases beyond the gazetteer's areas (geokursk.extract.areas)."""

from __future__ import annotations

import pytest

from geokursk import Geocoder, default_geocoder, extract_article
from geokursk.extract.areas import find_area_phrases


@pytest.fixture(scope="module")
def gc() -> Geocoder:
    return default_geocoder()


# Our own text in the style of a regional administration's Telegram post.
POST = (
    "Сумська ОВА: за добу росіяни 40 разів обстріляли Хотінську, Юнаківську та "
    "Білопільську громади. Кремль знову заперечує удари. Ситуація на Нікопольщині "
    "напружена, але Генштаб на Покровському напрямку фіксує спад атак."
)


def test_hromada_lists_resolve_to_their_centres(gc: Geocoder) -> None:
    found = {a.mention: a for a in find_area_phrases(POST, gc, "Сумській області", "uk")}
    centres = {"Хотінську": "Хотінь", "Юнаківську": "Юнаківка", "Білопільську": "Білопілля"}
    for mention, centre in centres.items():
        a = found[mention]
        assert a.kind == "hromada" and a.role == "event"
        assert a.result is not None and a.result.status == "resolved"
        assert a.result.place is not None and a.result.place.name == centre
        assert a.result.place.admin1 == "Sumy Oblast"


def test_authorities_metonyms_and_raion_region_words(gc: Geocoder) -> None:
    found = {a.mention: a for a in find_area_phrases(POST, gc, None, "uk")}
    assert (found["Сумська"].kind, found["Сумська"].role) == ("oblast", "actor")
    kremlin = found["Кремль"]
    assert kremlin.role == "actor" and kremlin.result is not None
    assert kremlin.result.place is not None and kremlin.result.place.name_latin == "Moscow"
    nikopol = found["Нікопольщині"]
    assert nikopol.kind == "region" and nikopol.result is not None
    assert nikopol.result.place is not None and "Nikopol" in nikopol.result.place.name_latin


def test_unknown_hromada_stays_in_the_output_unresolved(gc: Geocoder) -> None:
    text = "Обстріляли Зубрицьку громаду Сумської області."
    found = find_area_phrases(text, gc, "Сумської області", "uk")
    assert [(a.mention, a.kind) for a in found] == [("Зубрицьку", "hromada")]
    assert found[0].result is not None and found[0].result.status == "unresolved"


def test_directions_are_not_places_and_actors_are_not_claim_places(gc: Geocoder) -> None:
    ex = extract_article(POST, geocoder=gc)
    mentions = {p.mention: p for p in ex.places}
    assert "Покровському" not in mentions  # a military direction
    assert mentions["Кремль"].role == "actor"
    assert all(p.role == "event" for c in ex.claims for p in c.places)
