"""Links between claims and the status they give each claim.

Corroborated, disputed, no comment, or only claimed.
"""

from __future__ import annotations

from collections.abc import Sequence

from geokursk.claims.model import (
    Claim,
)
from geokursk.claims.vocabulary import (
    _NON_ANSWERS,
    ClaimStatus,
)

__all__ = []

# --- links and status ------------------------------------------------------------------


def _backlinks(claims: Sequence[Claim]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {"corroborates": {}, "disputes": {}, "responds_to": {}}
    for claim in claims:
        for field, index in out.items():
            for target in getattr(claim, field):
                index.setdefault(target, []).append(claim.id)
    return out


def _claim_statuses(claims: Sequence[Claim]) -> dict[str, ClaimStatus]:
    """Disputed beats corroborated; a non-answer (no comment, referral...) is ``no_comment``."""
    links = _backlinks(claims)
    out = {}
    for claim in claims:
        if claim.response is not None and claim.response.kind in _NON_ANSWERS:
            out[claim.id] = ClaimStatus.NO_COMMENT
        elif claim.id in links["disputes"]:
            out[claim.id] = ClaimStatus.DISPUTED
        elif claim.id in links["corroborates"]:
            out[claim.id] = ClaimStatus.CORROBORATED
        else:
            out[claim.id] = ClaimStatus.CLAIMED
    return out
