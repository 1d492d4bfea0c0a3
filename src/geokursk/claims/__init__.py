"""Claims: who said what, when, about which places — validated and mappable.

A *claim* is one attributable assertion taken from reporting: a claimant
(organisation, and person where named) with a side, the outlet and channel it
came through, separate dates (when it was made, the event period it is about,
when the source document was published and originally published), our own
paraphrase with a few short verbatim key phrases, structured figures, places
with the relation the text uses, and links to other claims (corroborates,
disputes, responds to).

Claims files come in two shapes, both accepted by :func:`load_claims`:

* the dataset file, ``{"schema": "geokursk.claims/1", "name": ..., "claims": [...]}``;
* the output of ``geokursk claims --json`` (:func:`claims_to_records`): a JSON
  array of claim objects whose places carry read-only geocoding keys
  (``status``, ``lat``, ``lon``, ...), which are ignored on input;
* the output of ``geokursk extract --json`` (``{"schema":
  "geokursk.extraction/1", ..., "claims": [...]}``): machine-extracted claim
  candidates.  Their ``reviewed`` field is ``false`` until an analyst, having
  checked a claim against the article, sets it to ``true``; maps and frames
  show unreviewed claims as such.  The extraction's own keys (``places``,
  ``notes``, each claim's ``extraction`` span) are ignored on input.

Location precision follows the spirit of ACLED ``geo_precision`` and UCDP
``where_prec``: ``settlement`` (at a named place), ``near_settlement`` ("near"
or "in the area of" a named place), ``district`` (second-order unit),
``region`` (first-order unit, e.g. an oblast) and ``country``.

One module per concept: :mod:`~geokursk.claims.vocabulary` (the controlled
vocabularies), :mod:`~geokursk.claims.model` (the pydantic model),
:mod:`~geokursk.claims.loading` (reading and checking files),
:mod:`~geokursk.claims.records` (JSON records and dataset files),
:mod:`~geokursk.claims.status` (links and claim statuses) and
:mod:`~geokursk.claims.frames` (GeoDataFrames of claims and their places).
"""

from __future__ import annotations

from geokursk.claims.frames import claim_places_frame, claims_frame
from geokursk.claims.loading import (
    EMBEDDED_CLAIMS,
    EXTRACTION_SCHEMA,
    SCHEMA,
    load_claims,
    parse_claims,
)
from geokursk.claims.model import (
    Claim,
    ClaimPlace,
    Figure,
    JointClaimant,
    Response,
    Source,
)
from geokursk.claims.records import claims_to_records, dump_claims
from geokursk.claims.vocabulary import (
    PRECISION_RADIUS_M,
    Channel,
    ClaimStatus,
    DatePrecision,
    FigureKind,
    LocationPrecision,
    Qualifier,
    Relation,
    ResponseKind,
    Side,
)

__all__ = [
    "EMBEDDED_CLAIMS",
    "EXTRACTION_SCHEMA",
    "PRECISION_RADIUS_M",
    "SCHEMA",
    "Channel",
    "Claim",
    "ClaimPlace",
    "ClaimStatus",
    "DatePrecision",
    "Figure",
    "FigureKind",
    "JointClaimant",
    "LocationPrecision",
    "Qualifier",
    "Relation",
    "Response",
    "ResponseKind",
    "Side",
    "Source",
    "claim_places_frame",
    "claims_frame",
    "claims_to_records",
    "dump_claims",
    "load_claims",
    "parse_claims",
]
