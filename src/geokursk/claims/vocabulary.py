"""The claims' controlled vocabularies.

Sides, channels, figure kinds, qualifiers, relations, location precision and its
radii, responses, claim statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

__all__ = [
    "PRECISION_RADIUS_M",
    "Channel",
    "ClaimStatus",
    "DatePrecision",
    "FigureKind",
    "LocationPrecision",
    "Qualifier",
    "Relation",
    "ResponseKind",
    "Side",
]

# --- vocabularies -------------------------------------------------------------


class Side(StrEnum):
    """The side a claimant belongs to or speaks for."""

    UKRAINE = "ukraine"
    RUSSIA = "russia"
    USA = "usa"
    DPRK = "dprk"
    SOUTH_KOREA = "south_korea"
    INDEPENDENT_MEDIA = "independent_media"
    INTERNATIONAL_MEDIA = "international_media"
    ANALYSTS = "analysts"
    WITNESSES = "witnesses"
    UNATTRIBUTED = "unattributed"
    OTHER = "other"


class Channel(StrEnum):
    """How the claim was made public."""

    TELEGRAM = "telegram"
    PRESS_BRIEFING = "press_briefing"
    NEWS_REPORT = "news_report"
    STATEMENT = "statement"
    INTERVIEW = "interview"
    MEDIA_INQUIRY = "media_inquiry"
    SOCIAL_MEDIA = "social_media"
    WEBSITE = "website"
    UNKNOWN = "unknown"


class DatePrecision(StrEnum):
    """How precisely a date is known.

    The stored date is the first day of the period (the last day for ``event_end``).
    """

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class FigureKind(StrEnum):
    """What a figure counts."""

    KILLED = "killed"
    WOUNDED = "wounded"
    KILLED_OR_WOUNDED = "killed_or_wounded"
    MISSING = "missing"
    CAPTURED = "captured"
    DEPLOYED = "deployed"
    RECRUITED = "recruited"
    PERSONNEL_LOSSES = "personnel_losses"


class Qualifier(StrEnum):
    """How a figure is hedged in the source (``unspecified``: no number given)."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    ABOUT = "about"
    MORE_THAN = "more_than"
    ALMOST = "almost"
    AT_MOST = "at_most"
    LESS_THAN = "less_than"
    UNSPECIFIED = "unspecified"


class Relation(StrEnum):
    """The spatial relation the text uses between the claim and a place."""

    IN = "in"
    AT = "at"
    NEAR = "near"
    IN_THE_AREA_OF = "in the area of"
    AROUND = "around"
    TO = "to"
    FROM = "from"


class LocationPrecision(StrEnum):
    """Location precision in the spirit of ACLED/UCDP (finest first)."""

    SETTLEMENT = "settlement"
    NEAR_SETTLEMENT = "near_settlement"
    DISTRICT = "district"
    REGION = "region"
    COUNTRY = "country"


class ResponseKind(StrEnum):
    """How a claimant answered (or did not answer) another claim."""

    NO_COMMENT = "no_comment"
    DECLINED = "declined"
    DID_NOT_REPLY = "did_not_reply"
    REFERRED = "referred"
    DENIED = "denied"


class ClaimStatus(StrEnum):
    """Where a claim stands given the other claims of its dataset."""

    CLAIMED = "claimed"
    CORROBORATED = "corroborated"
    DISPUTED = "disputed"
    NO_COMMENT = "no_comment"


#: Nominal radius (metres) drawn around a place of a given precision. Roughly
#: ACLED/UCDP: a settlement is a point within a village or town; "near" is
#: within ~10 km (UCDP allows up to 25 km); region/country radii are only used
#: when no polygon is available.
PRECISION_RADIUS_M: Mapping[LocationPrecision, float] = {
    LocationPrecision.SETTLEMENT: 2_000.0,
    LocationPrecision.NEAR_SETTLEMENT: 10_000.0,
    LocationPrecision.DISTRICT: 25_000.0,
    LocationPrecision.REGION: 100_000.0,
    LocationPrecision.COUNTRY: 500_000.0,
}

_NON_ANSWERS = frozenset(
    {
        ResponseKind.NO_COMMENT,
        ResponseKind.DECLINED,
        ResponseKind.DID_NOT_REPLY,
        ResponseKind.REFERRED,
    }
)
_KEY_PHRASE_MAX_WORDS = 8
