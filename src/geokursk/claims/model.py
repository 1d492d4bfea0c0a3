"""The claim model (pydantic).

Figures, places, responses, sources and claims, with the checks each field makes on
its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
)

from geokursk.claims.vocabulary import (
    Channel,
    DatePrecision,
    FigureKind,
    LocationPrecision,
    Qualifier,
    Relation,
    ResponseKind,
    Side,
)

__all__ = ["MAX_FIGURE", "Claim", "ClaimPlace", "Figure", "JointClaimant", "Response", "Source"]

# --- model --------------------------------------------------------------------


def _no_control_characters(value: str) -> str:
    """Refuse NUL and other control characters (GPKG and C readers cut text at a NUL)."""
    for i, ch in enumerate(value):
        if (ch < " " and ch not in "\t\n\r") or ch == "\x7f":
            raise ValueError(
                f"control character U+{ord(ch):04X} at position {i}; remove it from the text"
            )
    return value


def _has_letters(value: str) -> str:
    if not any(ch.isalpha() for ch in value):
        raise ValueError("a place name needs letters; write the name as the text gives it")
    return value


#: The largest figure a claim can state (a cap against typos and overflow in exports).
MAX_FIGURE = 1e12

Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_no_control_characters),
]
PlaceName = Annotated[Text, AfterValidator(_has_letters)]
ClaimId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Model):
    """A number stated in a claim, e.g. *at least 30 killed and wounded*."""

    kind: FigureKind
    # Strict: true/false are not numbers; Infinity, NaN and absurd values are refused.
    value: Annotated[
        StrictInt | StrictFloat | None, Field(ge=0, le=MAX_FIGURE, allow_inf_nan=False)
    ]
    qualifier: Qualifier
    subject: Text
    #: The side of who was hit ("Russian forces shelled Nikopol, killing two civilians":
    #: ukraine), when known.
    subject_side: Side | None = None
    note: Text | None = None


class ClaimPlace(_Model):
    """A place a claim is about, as written, with the relation the text uses."""

    name: PlaceName
    relation: Relation
    precision: LocationPrecision
    context: Text | None = None


class Response(_Model):
    """How a claimant answered the claims listed in ``responds_to``."""

    kind: ResponseKind
    asked_by: Text | None = None
    referred_to: Text | None = None


class JointClaimant(_Model):
    """A further organisation the claim is attributed to together with the claimant."""

    claimant: Text
    side: Side


class Source(_Model):
    """The document the claim was taken from: the copy we read and the original."""

    outlet: Text
    published: dt.date
    published_precision: DatePrecision = DatePrecision.DAY
    original_outlet: Text | None = None
    original_published: dt.date | None = None
    original_published_precision: DatePrecision | None = None
    title: Text | None = None
    url: Text | None = None


class Claim(_Model):
    """One attributable claim; see the module docstring for the field semantics."""

    id: ClaimId
    claimant: Text
    claimant_person: Text | None = None
    claimant_role: Text | None = None
    side: Side
    joint_claimants: tuple[JointClaimant, ...] = ()
    outlet: Text | None = None
    channel: Channel
    made_at: Text | None = None
    claim_date: dt.date | None = None
    claim_date_precision: DatePrecision | None = None
    event_start: dt.date | None = None
    event_start_precision: DatePrecision | None = None
    event_end: dt.date | None = None
    event_end_precision: DatePrecision | None = None
    date_note: Text | None = None
    source: Source
    paraphrase: Text
    key_phrases: tuple[Text, ...] = ()
    figures: tuple[Figure, ...] = ()
    places: tuple[ClaimPlace, ...] = ()
    corroborates: tuple[ClaimId, ...] = ()
    disputes: tuple[ClaimId, ...] = ()
    responds_to: tuple[ClaimId, ...] = ()
    response: Response | None = None
    notes: Text | None = None
    #: False for a machine-extracted claim nobody has checked against its source yet.
    reviewed: bool = True
