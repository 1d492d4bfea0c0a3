"""Tests for geokursk.claims: the model, the embedded dataset and the frames."""

from __future__ import annotations

import copy
import datetime as dt
import glob
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyproj
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box

import geokursk.claims.frames as claims_frames
import geokursk.claims.loading as claims_loading
from geokursk.claims import (
    EMBEDDED_CLAIMS,
    Claim,
    ClaimStatus,
    claim_places_frame,
    claims_frame,
    claims_to_records,
    dump_claims,
    load_claims,
)
from geokursk.errors import ClaimsValidationError

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO.parent / "shared" / "seed" / "article.txt"
RETELLING = REPO / "data" / "article_retelling.txt"

# --- a tiny stand-in for geokursk.geocode (any object with geocode_many works) ---


@dataclass(frozen=True)
class FakePlace:
    id: str
    name: str
    lat: float
    lon: float
    feature_code: str = "PPL"
    country_code: str = "RU"
    admin1: str | None = "Kursk Oblast"
    name_latin: str = ""
    name_ru: str | None = None
    name_uk: str | None = None

    @property
    def is_area(self) -> bool:
        return self.feature_code in {"ADM1", "ADM2", "PCLI"}


@dataclass(frozen=True)
class FakeAlternative:
    place: FakePlace
    score: float
    reason: str = "same name"


@dataclass(frozen=True)
class FakeResult:
    query: str
    status: str
    place: FakePlace | None
    score: float
    reason: str
    alternatives: tuple[FakeAlternative, ...] = ()
    context: str | None = None

    @property
    def lat(self) -> float | None:
        return self.place.lat if self.place is not None and self.status == "resolved" else None

    @property
    def lon(self) -> float | None:
        return self.place.lon if self.place is not None and self.status == "resolved" else None


FAKE_PLACES = {
    "Plekhovo": FakePlace("wiki:RU:Плёхово", "Плёхово", 51.2262, 35.2436, name_latin="Plekhovo"),
    "Vorobzha": FakePlace("wiki:RU:Воробжа", "Воробжа", 51.1660, 35.0600, name_latin="Vorobzha"),
    "Martynovka": FakePlace(
        "wiki:RU:Мартыновка", "Мартыновка", 51.2700, 35.0750, name_latin="Martynovka"
    ),
    "Kursk region": FakePlace("ne:RU-KRS", "Kursk Oblast", 51.7, 36.2, "ADM1"),
    "Russia": FakePlace("country:RU", "Russia", 61.5, 105.0, "PCLI", admin1=None),
    "Ukraine": FakePlace("country:UA", "Ukraine", 49.0, 32.0, "PCLI", "UA", None),
    "Nepal": FakePlace("country:NP", "Nepal", 28.2, 84.0, "PCLI", "NP", None),
    "India": FakePlace("country:IN", "India", 22.0, 79.0, "PCLI", "IN", None),
    "Sri Lanka": FakePlace("country:LK", "Sri Lanka", 7.8, 80.7, "PCLI", "LK", None),
    "Pyongyang": FakePlace("gn:1871859", "Pyongyang", 39.0339, 125.7543, "PPLC", "KP", None),
}


@dataclass
class FakeGeocoder:
    """Resolves FAKE_PLACES; 'Martynovka' is ambiguous without a context."""

    calls: list[tuple[tuple[str, ...], str | None]] = field(default_factory=list)

    def geocode_many(self, names: Any, *, context: str | None = None) -> list[FakeResult]:
        self.calls.append((tuple(names), context))
        return [self._one(name, context) for name in names]

    def _one(self, name: str, context: str | None) -> FakeResult:
        place = FAKE_PLACES.get(name)
        if place is None:
            return FakeResult(name, "unresolved", None, 0.0, "no candidate", context=context)
        if name == "Martynovka" and context is None:
            alt = FakeAlternative(place, 50.0)
            return FakeResult(name, "ambiguous", None, 50.0, "many", (alt, alt), context)
        return FakeResult(name, "resolved", place, 95.0, "exact name", context=context)


def fake_area_geometry(place: FakePlace) -> Any:
    # A 1-degree box stands in for the region/country polygon.
    return box(place.lon - 1, place.lat - 1, place.lon + 1, place.lat + 1)


@pytest.fixture
def fake_geocoder(monkeypatch: pytest.MonkeyPatch) -> FakeGeocoder:
    monkeypatch.setattr(claims_frames, "_area_geometry", fake_area_geometry)
    return FakeGeocoder()


@pytest.fixture(scope="module")
def embedded() -> dict[str, Claim]:
    return {c.id: c for c in load_claims()}


# --- a minimal valid file, mutated into invalid ones ---------------------------------

VALID = {
    "schema": "geokursk.claims/1",
    "name": "test",
    "claims": [
        {
            "id": "gur-losses",
            "claimant": "GUR",
            "side": "ukraine",
            "channel": "telegram",
            "claim_date": "2024-12-16",
            "event_start": "2024-12-14",
            "event_end": "2024-12-15",
            "source": {
                "outlet": "Occasional Digest",
                "published": "2025-01-17",
                "original_outlet": "Al Jazeera",
                "original_published": "2024-12-17",
                "original_published_precision": "day",
            },
            "paraphrase": "Losses near three villages.",
            "key_phrases": ["significant losses"],
            "figures": [
                {
                    "kind": "killed_or_wounded",
                    "value": 30,
                    "qualifier": "at_least",
                    "subject": "DPRK soldiers",
                }
            ],
            "places": [
                {"name": "Plekhovo", "relation": "near", "precision": "near_settlement"},
            ],
        },
        {
            "id": "pentagon",
            "claimant": "Pentagon",
            "claimant_person": "Pat Ryder",
            "side": "usa",
            "channel": "press_briefing",
            "claim_date": "2024-12-16",
            "source": {"outlet": "Occasional Digest", "published": "2025-01-17"},
            "paraphrase": "Backs the Ukrainian account.",
            "corroborates": ["gur-losses"],
        },
    ],
}


def write(tmp_path: Path, doc: Any, name: str = "x.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_minimal_valid_file_loads_with_defaults_and_inferred_precision(tmp_path: Path) -> None:
    claims = load_claims(write(tmp_path, VALID))
    assert [c.id for c in claims] == ["gur-losses", "pentagon"]
    gur = claims[0]
    assert gur.claim_date == dt.date(2024, 12, 16)
    assert gur.claim_date_precision == "day"
    assert gur.figures[0].qualifier == "at_least"
    assert claims[1].corroborates == ("gur-losses",)
    assert claims[1].event_start is None and claims[1].event_start_precision is None


def _mutated(mutate: Any) -> dict[str, Any]:
    doc = copy.deepcopy(VALID)
    mutate(doc)
    return doc


def _c(doc: dict[str, Any], i: int = 0) -> dict[str, Any]:
    claim: dict[str, Any] = doc["claims"][i]
    return claim


INVALID_CASES = [
    pytest.param(
        lambda d: _c(d)["figures"][0].update(qualifier="atleast"),
        "claim 'gur-losses', field 'figures[0].qualifier': 'atleast' is not one of "
        "'exact', 'at_least'",
        id="figure-qualifier-typo",
    ),
    pytest.param(
        lambda d: _c(d)["figures"][0].update(kind="killed_and_wounded"),
        "claim 'gur-losses', field 'figures[0].kind': 'killed_and_wounded' is not one of",
        id="figure-kind-typo",
    ),
    pytest.param(
        lambda d: _c(d)["figures"][0].update(value=-3),
        "claim 'gur-losses', field 'figures[0].value'",
        id="negative-figure",
    ),
    pytest.param(
        lambda d: _c(d)["figures"][0].update(value=None),
        "claim 'gur-losses', field 'figures[0].value': value must be null exactly when",
        id="null-value-needs-unspecified",
    ),
    pytest.param(
        lambda d: _c(d, 1).update(side="nato"),
        "claim 'pentagon', field 'side': 'nato' is not one of",
        id="side-not-in-vocabulary",
    ),
    pytest.param(
        lambda d: _c(d).update(colour="red"),
        "claim 'gur-losses', field 'colour': unknown field 'colour'; allowed fields: id, claimant",
        id="unknown-claim-field",
    ),
    pytest.param(
        lambda d: _c(d)["places"][0].update(lat=51.2),
        "claim 'gur-losses', field 'places[0].lat': unknown field 'lat'; allowed fields: name, "
        "relation, precision, context",
        id="geocode-keys-not-allowed-in-dataset-file",
    ),
    pytest.param(
        lambda d: _c(d).pop("paraphrase"),
        "claim 'gur-losses', field 'paraphrase': required field is missing",
        id="missing-paraphrase",
    ),
    pytest.param(
        lambda d: _c(d).update(claim_date="2024-13-01"),
        "claim 'gur-losses', field 'claim_date': '2024-13-01' is not a valid date",
        id="bad-date",
    ),
    pytest.param(
        lambda d: _c(d).update(event_end="2024-12-13"),
        "claim 'gur-losses', field 'event_end': event_end 2024-12-13 is before event_start "
        "2024-12-14",
        id="event-ends-before-start",
    ),
    pytest.param(
        # "on Monday" resolved against the republication date: a Monday in 2025.
        lambda d: _c(d).update(claim_date="2025-01-13"),
        "claim 'gur-losses', field 'claim_date': claim_date 2025-01-13 is after the source was "
        "first published",
        id="monday-resolved-against-republication",
    ),
    pytest.param(
        lambda d: _c(d, 1).update(corroborates=["gur-lossez"]),
        "claim 'pentagon', field 'corroborates[0]': 'gur-lossez' is not the id of a claim",
        id="dangling-link",
    ),
    pytest.param(
        lambda d: _c(d, 1).update(disputes=["pentagon"]),
        "claim 'pentagon', field 'disputes[0]': a claim cannot link to itself",
        id="self-link",
    ),
    pytest.param(
        lambda d: _c(d, 1).update(id="gur-losses", corroborates=[]),
        "claim 'gur-losses', field 'id': duplicate id",
        id="duplicate-id",
    ),
    pytest.param(
        lambda d: _c(d, 1).update(id="Pentagon Claim", corroborates=[]),
        "claim 'Pentagon Claim', field 'id': 'Pentagon Claim' is not a valid claim id",
        id="bad-id",
    ),
    pytest.param(
        lambda d: _c(d)["places"][0].update(relation="nearby"),
        "claim 'gur-losses', field 'places[0].relation': 'nearby' is not one of",
        id="relation-not-in-vocabulary",
    ),
    pytest.param(
        lambda d: _c(d)["places"][0].update(precision="settlement"),
        "claim 'gur-losses', field 'places[0].precision': relation 'near' cannot have "
        "precision 'settlement'",
        id="near-cannot-be-settlement",
    ),
    pytest.param(
        lambda d: _c(d).update(key_phrases=["one two three four five six seven eight nine"]),
        "claim 'gur-losses', field 'key_phrases[0]': 'one two three four five six seven eight "
        "nine' is longer than 8 words",
        id="key-phrase-too-long",
    ),
    pytest.param(
        lambda d: _c(d, 1).update(response={"kind": "no_comment"}),
        "claim 'pentagon', field 'responds_to': a claim with a 'response' must list",
        id="response-without-target",
    ),
    pytest.param(
        lambda d: _c(d, 1).update(response={"kind": "declined_to_comment"}, responds_to=["x"]),
        "claim 'pentagon', field 'response.kind': 'declined_to_comment' is not one of",
        id="response-kind-typo",
    ),
    pytest.param(
        lambda d: _c(d, 1).update(event_end_precision="month"),
        "claim 'pentagon', field 'event_end_precision': is set to 'month' but event_end is null",
        id="precision-without-date",
    ),
    pytest.param(
        lambda d: _c(d)["source"].update(original_published="2025-02-01"),
        "claim 'gur-losses', field 'source.original_published': 2025-02-01 is after",
        id="original-after-republication",
    ),
]


@pytest.mark.parametrize(("mutate", "message"), INVALID_CASES)
def test_invalid_file_error_names_file_claim_and_field(
    tmp_path: Path, mutate: Any, message: str
) -> None:
    path = write(tmp_path, _mutated(mutate), "bad-claims.json")
    with pytest.raises(ClaimsValidationError, match=re.escape(f"{path}, {message}")):
        load_claims(path)


def test_validation_error_carries_structured_fields(tmp_path: Path) -> None:
    path = write(tmp_path, _mutated(lambda d: _c(d)["figures"][0].update(qualifier="atleast")))
    with pytest.raises(ClaimsValidationError) as info:
        load_claims(path)
    assert info.value.path == path
    assert info.value.claim_id == "gur-losses"
    assert info.value.field == "figures[0].qualifier"
    assert isinstance(info.value, ValueError)


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"claims": [\n  {"id": "a",}\n]}', encoding="utf-8")
    with pytest.raises(ClaimsValidationError, match=r"broken\.json: invalid JSON at line 2"):
        load_claims(path)


def test_wrong_top_level_shape_and_schema_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ClaimsValidationError, match=r"expected a JSON object with 'claims'"):
        load_claims(write(tmp_path, "claims"))
    with pytest.raises(ClaimsValidationError, match=r"field 'schema': 'geokursk.claims/9'"):
        load_claims(write(tmp_path, {**VALID, "schema": "geokursk.claims/9"}))
    with pytest.raises(ClaimsValidationError, match=r"field 'claim': unknown top-level key"):
        load_claims(write(tmp_path, {"claim": []}))


def test_claim_without_id_is_named_by_position(tmp_path: Path) -> None:
    doc = _mutated(lambda d: _c(d, 1).pop("id"))
    with pytest.raises(ClaimsValidationError, match=r"claim '#1', field 'id': required field"):
        load_claims(write(tmp_path, doc))


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="claims file not found"):
        load_claims(tmp_path / "nope.json")


def test_reduced_dates_expand_to_period_bounds(tmp_path: Path) -> None:
    doc = _mutated(
        lambda d: _c(d).update(claim_date="2024-12", event_start="2022-02-24", event_end="2024-09")
    )
    claim = load_claims(write(tmp_path, doc))[0]
    assert (claim.claim_date, claim.claim_date_precision) == (dt.date(2024, 12, 1), "month")
    assert (claim.event_end, claim.event_end_precision) == (dt.date(2024, 9, 30), "month")
    assert claim.event_start_precision == "day"


def test_reduced_date_conflicting_with_day_precision_is_rejected(tmp_path: Path) -> None:
    doc = _mutated(lambda d: _c(d).update(event_end="2024-12", event_end_precision="day"))
    with pytest.raises(ClaimsValidationError, match=r"field 'event_end': '2024-12' is not a valid"):
        load_claims(write(tmp_path, doc))


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_reduced_month_bounds_cover_the_whole_month(year: int, month: int) -> None:
    expand = claims_loading._expand_reduced_date
    start, p1 = expand(f"{year:04d}-{month:02d}", is_end=False) or ("", "")
    end, p2 = expand(f"{year:04d}-{month:02d}", is_end=True) or ("", "")
    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    assert p1 == p2 == "month"
    assert s.day == 1 and (e + dt.timedelta(days=1)).day == 1
    assert s.month == e.month == month


# --- the embedded dataset -------------------------------------------------------------


EXPECTED_FIGURES = {
    "gur-dprk-losses": [("killed_or_wounded", 30, "at_least")],
    "gur-dprk-missing": [("missing", 3, "at_least")],
    "intel-dprk-troops-sent": [("deployed", 11000, "about")],
    "mediazona-russian-dead": [("killed", 71000, "more_than")],
    "ua-general-staff-russian-losses": [("personnel_losses", 654000, "more_than")],
    "ru-mod-ukrainian-losses": [("personnel_losses", 500000, "almost")],
}


@pytest.mark.parametrize(("claim_id", "expected"), sorted(EXPECTED_FIGURES.items()))
def test_embedded_figures(embedded: dict[str, Claim], claim_id: str, expected: list[Any]) -> None:
    got = [(f.kind.value, f.value, f.qualifier.value) for f in embedded[claim_id].figures]
    assert got == expected


def test_embedded_gur_claims_dated_by_original_report(embedded: dict[str, Claim]) -> None:
    for claim_id in ("gur-dprk-losses", "gur-dprk-missing"):
        gur = embedded[claim_id]
        assert gur.side == "ukraine" and "GUR" in gur.claimant
        assert gur.channel == "telegram"
        assert (gur.claim_date, gur.claim_date_precision) == (dt.date(2024, 12, 16), "day")
        assert gur.claim_date.strftime("%A") == "Monday"
        assert (gur.event_start, gur.event_end) == (dt.date(2024, 12, 14), dt.date(2024, 12, 15))
        assert gur.source.published == dt.date(2025, 1, 17)
        assert gur.source.outlet == "Occasional Digest"
        assert gur.source.original_published == dt.date(2024, 12, 17)
        assert gur.source.original_outlet == "Al Jazeera"
    assert "significant losses" in embedded["gur-dprk-losses"].key_phrases


def test_embedded_gur_places_and_relations(embedded: dict[str, Claim]) -> None:
    losses = embedded["gur-dprk-losses"].places
    assert [(p.name, p.relation.value, p.precision.value) for p in losses] == [
        ("Plekhovo", "near", "near_settlement"),
        ("Vorobzha", "near", "near_settlement"),
        ("Martynovka", "near", "near_settlement"),
    ]
    assert {p.context for p in losses} == {"Kursk region, Russia"}
    (kurilovka,) = embedded["gur-dprk-missing"].places
    assert (kurilovka.name, kurilovka.relation) == ("Kurilovka", "in the area of")


def test_embedded_pentagon_corroborates_gur(embedded: dict[str, Claim]) -> None:
    pentagon = embedded["pentagon-dprk-casualties"]
    assert pentagon.side == "usa" and pentagon.claimant_person == "Pat Ryder"
    assert pentagon.channel == "press_briefing" and pentagon.made_at == "Washington, DC"
    assert pentagon.claim_date == dt.date(2024, 12, 16)
    assert pentagon.corroborates == ("gur-dprk-losses",)
    assert "indications" in pentagon.key_phrases


def test_embedded_kremlin_referral_and_mod_silence(embedded: dict[str, Claim]) -> None:
    kremlin, mod = embedded["kremlin-referral"], embedded["ru-mod-no-reply"]
    assert kremlin.response is not None and mod.response is not None
    assert kremlin.response.kind == "referred"
    assert kremlin.response.asked_by == "Associated Press"
    assert kremlin.response.referred_to == "Russian Ministry of Defence"
    assert mod.response.kind == "did_not_reply"
    assert kremlin.responds_to == mod.responds_to == ("gur-dprk-losses",)
    assert embedded["dprk-no-comment"].side == "dprk"


def test_embedded_context_claims(embedded: dict[str, Claim]) -> None:
    sent = embedded["intel-dprk-troops-sent"]
    assert {sent.side, *(j.side for j in sent.joint_claimants)} == {"south_korea", "usa", "ukraine"}
    assert [p.name for p in sent.places] == ["Russia", "Kursk region"]
    control = embedded["ukraine-kursk-partial-control"]
    assert (control.event_start, control.event_end) == (dt.date(2024, 8, 6), None)
    treaty = embedded["russia-dprk-defence-treaty"]
    assert (treaty.event_start, treaty.event_end) == (dt.date(2024, 6, 19), dt.date(2024, 6, 19))
    assert [p.name for p in treaty.places] == ["Pyongyang"]
    recruits = embedded["south-asian-recruits"]
    assert [p.name for p in recruits.places] == ["Nepal", "India", "Sri Lanka"]
    assert {p.relation for p in recruits.places} == {"from"}
    assert embedded["nepali-recruits-al-jazeera"].outlet == "Al Jazeera"
    mediazona = embedded["mediazona-russian-dead"]
    assert (mediazona.claim_date, mediazona.claim_date_precision) == (dt.date(2024, 9, 1), "month")
    assert mediazona.side == "independent_media"
    staff = embedded["ua-general-staff-russian-losses"]
    assert staff.event_end == dt.date(2024, 10, 1)
    assert embedded["ru-mod-ukrainian-losses"].outlet == "RT"


def test_embedded_dataset_no_date_after_original_publication(
    embedded: dict[str, Claim],
) -> None:
    for claim in embedded.values():
        assert claim.claim_date is not None
        assert claim.claim_date <= dt.date(2024, 12, 17), claim.id


def test_embedded_dataset_is_declared_package_data() -> None:
    """The JSON must be matched by pyproject's package-data so wheels ship it."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["geokursk"]
    package_dir = REPO / "src" / "geokursk"
    matched = {
        Path(f).resolve()
        for pattern in patterns
        for f in glob.glob(str(package_dir / pattern), recursive=True)
        if Path(f).is_file()  # setuptools keeps files only, like this
    }
    assert (package_dir / EMBEDDED_CLAIMS).resolve() in matched, (
        f"add {'/'.join(EMBEDDED_CLAIMS.split('/')[:-1])}/*.json to package-data"
    )


def _word_runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[\w']+", text.lower().replace("’", "'"))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not ARTICLE.exists(), reason="source article not available")
def test_our_texts_do_not_copy_article_sentences(embedded: dict[str, Claim]) -> None:
    article_runs = _word_runs(ARTICLE.read_text(encoding="utf-8"), 8)
    texts = {c.id: c.paraphrase for c in embedded.values()}
    texts["retelling"] = RETELLING.read_text(encoding="utf-8")
    copied = {k: _word_runs(t, 8) & article_runs for k, t in texts.items()}
    assert {k: v for k, v in copied.items() if v} == {}


@pytest.mark.skipif(not ARTICLE.exists(), reason="source article not available")
def test_key_phrases_are_verbatim_from_article(embedded: dict[str, Claim]) -> None:
    article = ARTICLE.read_text(encoding="utf-8").replace("’", "'").lower()
    for claim in embedded.values():
        for phrase in claim.key_phrases:
            assert phrase.lower() in article, (claim.id, phrase)


def test_retelling_keeps_names_places_and_figures() -> None:
    text = RETELLING.read_text(encoding="utf-8")
    for needle in [
        "near Plekhovo, Vorobzha and Martynovka",
        "Kurilovka",
        "at least 30",
        "at least three",
        "GUR",
        "Telegram",
        "Pat Ryder",
        "Washington, DC",
        "Associated Press",
        "11,000",
        "Kursk region",
        "6 August 2024",
        "19 June 2024",
        "Pyongyang",
        "Nepal, India and Sri Lanka",
        "71,000",
        "654,000",
        "1 October 2024",
        "half a million",
        "RT",
        "Mediazona",
        "16 December 2024",
        "17 January 2025",
    ]:
        assert needle in text, needle


# --- dumping and records round trip -----------------------------------------------------


def test_dump_then_load_gives_equal_claims(tmp_path: Path, embedded: dict[str, Claim]) -> None:
    claims = list(embedded.values())
    path = tmp_path / "out.json"
    text = dump_claims(claims, path, name="copy")
    assert path.read_text(encoding="utf-8") == text
    assert load_claims(path) == claims
    assert json.loads(text)["name"] == "copy"


def test_shipped_file_is_in_canonical_dump_format(embedded: dict[str, Claim]) -> None:
    shipped = (REPO / "src" / "geokursk" / EMBEDDED_CLAIMS).read_text(encoding="utf-8")
    meta = json.loads(shipped)
    redumped = dump_claims(
        list(embedded.values()), name=meta["name"], description=meta["description"]
    )
    assert redumped == shipped


def test_records_round_trip_through_load(
    tmp_path: Path, embedded: dict[str, Claim], fake_geocoder: FakeGeocoder
) -> None:
    claims = list(embedded.values())
    records = claims_to_records(claims, geocoder=fake_geocoder)
    plekhovo = records[0]["places"][0]
    assert (plekhovo["status"], plekhovo["lat"], plekhovo["lon"]) == ("resolved", 51.2262, 35.2436)
    path = write(tmp_path, records, "cli-output.json")
    assert load_claims(path) == claims


def test_dump_refuses_inconsistent_claims(embedded: dict[str, Claim]) -> None:
    pentagon = embedded["pentagon-dprk-casualties"]
    with pytest.raises(ClaimsValidationError, match=r"corroborates\[0\]'.*not the id"):
        dump_claims([pentagon])


# --- frames --------------------------------------------------------------------------


def test_places_geocoded_jointly_per_claim_and_context(
    embedded: dict[str, Claim], fake_geocoder: FakeGeocoder
) -> None:
    claim_places_frame(
        [embedded["gur-dprk-losses"], embedded["intel-dprk-troops-sent"]], geocoder=fake_geocoder
    )
    assert fake_geocoder.calls == [
        (("Plekhovo", "Vorobzha", "Martynovka"), "Kursk region, Russia"),
        (("Russia",), None),
        (("Kursk region",), "Russia"),
    ]


def test_claim_places_frame_keeps_unresolved_rows(
    embedded: dict[str, Claim], fake_geocoder: FakeGeocoder
) -> None:
    claims = list(embedded.values())
    frame = claim_places_frame(claims, geocoder=fake_geocoder)
    assert frame.crs == "EPSG:4326"
    assert list(frame.columns[:21]) == [
        "claim_id", "claimant", "side", "claim_status", "place", "relation", "precision",
        "uncertainty_m", "geocode_status", "name", "name_latin", "name_ru", "name_uk", "admin1",
        "country_code", "lat", "lon", "score", "reason", "alternatives", "context",
    ]  # fmt: skip
    assert frame.geometry.name == "geometry"
    assert len(frame) == sum(len(c.places) for c in claims)
    kurilovka = frame[frame.place == "Kurilovka"].iloc[0]
    assert kurilovka.geocode_status == "unresolved"
    assert math.isnan(kurilovka.lat) and math.isnan(kurilovka.lon)
    assert kurilovka.geometry is None
    assert kurilovka.claim_id == "gur-dprk-missing"
    plekhovo = frame[frame.place == "Plekhovo"].iloc[0]
    assert plekhovo.geometry.equals(Point(35.2436, 51.2262))  # x = lon, y = lat
    assert (plekhovo.lat, plekhovo.lon) == (51.2262, 35.2436)
    assert plekhovo.claim_status == "corroborated"
    assert plekhovo.uncertainty_m == 10_000
    assert plekhovo["name"] == "Плёхово" and plekhovo.name_latin == "Plekhovo"
    assert json.loads(plekhovo.alternatives) == []


def test_ambiguous_place_has_no_point_but_lists_alternatives(
    embedded: dict[str, Claim], fake_geocoder: FakeGeocoder
) -> None:
    gur = embedded["gur-dprk-losses"]
    no_context = gur.model_copy(
        update={"places": tuple(p.model_copy(update={"context": None}) for p in gur.places)}
    )
    frame = claim_places_frame([no_context], geocoder=fake_geocoder)
    row = frame[frame.place == "Martynovka"].iloc[0]
    assert row.geocode_status == "ambiguous" and row.geometry is None
    alternatives = json.loads(row.alternatives)
    assert len(alternatives) == 2 and set(alternatives[0]) == {
        "name",
        "lat",
        "lon",
        "admin1",
        "score",
        "reason",  # why it lost, shown in the map's popup
    }


def test_claims_frame_extents(embedded: dict[str, Claim], fake_geocoder: FakeGeocoder) -> None:
    frame = claims_frame(list(embedded.values()), geocoder=fake_geocoder).set_index("claim_id")
    assert frame.crs == "EPSG:4326"
    assert frame.loc["gur-dprk-losses", "extent"] == "area"
    assert frame.loc["gur-dprk-losses", "geometry"].geom_type == "Polygon"
    assert frame.loc["gur-dprk-missing", "extent"] == "none"
    assert frame.loc["gur-dprk-missing", "geometry"] is None
    assert frame.loc["gur-dprk-missing", "n_unresolved"] == 1
    assert frame.loc["pentagon-dprk-casualties", "extent"] == "region"
    # Russia (country) and Kursk region: the finer level wins.
    sent = frame.loc["intel-dprk-troops-sent"]
    assert sent.extent == "region"
    assert sent.geometry.equals(fake_area_geometry(FAKE_PLACES["Kursk region"]))
    assert frame.loc["south-asian-recruits", "extent"] == "country"
    assert frame.loc["south-asian-recruits", "geometry"].geom_type == "MultiPolygon"
    assert frame.loc["russia-dprk-defence-treaty", "extent"] == "point"
    assert frame.loc["ru-mod-ukrainian-losses", "extent"] == "none"


def test_claims_frame_area_is_buffered_by_precision_radius(
    embedded: dict[str, Claim], fake_geocoder: FakeGeocoder
) -> None:
    frame = claims_frame([embedded["gur-dprk-losses"]], geocoder=fake_geocoder)
    area = frame.geometry.iloc[0]
    geod = pyproj.Geod(ellps="WGS84")
    for name in ("Plekhovo", "Vorobzha", "Martynovka"):
        place = FAKE_PLACES[name]
        assert area.contains(Point(place.lon, place.lat))
    north = max((FAKE_PLACES[n] for n in ("Plekhovo", "Martynovka")), key=lambda p: p.lat)
    for distance, inside in ((9_000, True), (11_000, False)):
        lon, lat, _ = geod.fwd(north.lon, north.lat, 0, distance)
        assert area.contains(Point(lon, lat)) is inside, distance


def test_claims_frame_columns_and_values(
    embedded: dict[str, Claim], fake_geocoder: FakeGeocoder
) -> None:
    frame = claims_frame(list(embedded.values()), geocoder=fake_geocoder)
    assert list(frame.columns[:23]) == [
        "claim_id", "claimant", "claimant_person", "side", "outlet", "channel", "claim_date",
        "claim_date_precision", "event_start", "event_end", "published", "original_published",
        "paraphrase", "key_phrases", "figures_text", "figures", "claim_status",
        "corroborated_by", "disputed_by", "responses", "extent", "n_places", "n_unresolved",
    ]  # fmt: skip
    row = frame.set_index("claim_id").loc["gur-dprk-losses"]
    assert row.figures_text == "at least 30 killed and wounded (North Korean soldiers)"
    assert json.loads(row.figures)[0] == {
        "kind": "killed_or_wounded",
        "value": 30,
        "qualifier": "at_least",
        "subject": "North Korean soldiers",
        "subject_side": None,
        "note": None,
    }
    assert (row.claim_date, row.event_start, row.event_end) == (
        "2024-12-16",
        "2024-12-14",
        "2024-12-15",
    )
    assert (row.published, row.original_published) == ("2025-01-17", "2024-12-17")
    assert row.claim_status == ClaimStatus.CORROBORATED
    assert json.loads(row.corroborated_by) == ["pentagon-dprk-casualties"]
    assert json.loads(row.responses) == ["kremlin-referral", "ru-mod-no-reply", "dprk-no-comment"]
    statuses = frame.set_index("claim_id").claim_status
    assert statuses["kremlin-referral"] == "no_comment"
    assert statuses["mediazona-russian-dead"] == "claimed"
    assert statuses["south-asian-recruits"] == "corroborated"


def test_disputed_beats_corroborated(tmp_path: Path, fake_geocoder: FakeGeocoder) -> None:
    doc = copy.deepcopy(VALID)
    third = copy.deepcopy(_c(doc, 1))
    third.update(id="kremlin-denial", side="russia", corroborates=[], disputes=["gur-losses"])
    doc["claims"].append(third)
    frame = claims_frame(load_claims(write(tmp_path, doc)), geocoder=fake_geocoder)
    assert frame.claim_status.tolist() == ["disputed", "claimed", "claimed"]
    assert json.loads(frame.disputed_by.iloc[0]) == ["kremlin-denial"]


def test_frames_of_no_claims_are_empty_with_columns(fake_geocoder: FakeGeocoder) -> None:
    places, claims = (
        claim_places_frame([], geocoder=fake_geocoder),
        claims_frame([], geocoder=fake_geocoder),
    )
    assert len(places) == len(claims) == 0
    assert places.crs == claims.crs == "EPSG:4326"
    assert "geocode_status" in places.columns and "extent" in claims.columns


# --- with the real geocoder (once geokursk.geocode has landed) --------------------------


def test_every_embedded_place_resolves_kurilovka_included(embedded: dict[str, Claim]) -> None:
    pytest.importorskip("geokursk.geocode")
    pytest.importorskip("geokursk.boundaries")
    frame = claim_places_frame(list(embedded.values()))
    status = dict(zip(frame.place, frame.geocode_status, strict=True))
    assert status == dict.fromkeys(status, "resolved")
    kurilovka = frame[frame.place == "Kurilovka"].iloc[0]
    assert kurilovka.admin1 == "Kursk Oblast" and abs(kurilovka.lat - 51.1442) < 0.01
    villages = frame[frame.claim_id == "gur-dprk-losses"]
    assert set(villages.admin1) == {"Kursk Oblast"}
    areas = claims_frame(list(embedded.values())).set_index("claim_id")
    assert areas.loc["gur-dprk-losses", "extent"] == "area"
    assert areas.loc["pentagon-dprk-casualties", "extent"] == "region"
    assert areas.loc["pentagon-dprk-casualties", "geometry"].geom_type in {
        "Polygon",
        "MultiPolygon",
    }
