"""Bounded memos of the geocoder: per-instance caches and the distance memo.

A memo that reaches :data:`MEMO_LIMIT` entries is cleared, not evicted entry
by entry: the entries are cheap to recompute, and a cleared dict costs nothing
to keep consistent across threads.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MEMO_LIMIT"]

#: Entries kept in a geocoder's per-run caches (candidates by name, areas by context,
#: answers by names and context).
MEMO_LIMIT = 50_000


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    """Store ``value`` under ``key``, clearing ``memo`` first when it is full."""
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value
