"""`dualuse review`: the documents a bundle is least sure about, exported for a person to label.

The export is JSONL that `dualuse train` reads back once the ``label`` fields are filled in
(``military`` or ``civilian``); until then training stops at the first empty label.
"""

from __future__ import annotations

import heapq
from typing import Iterable


def least_certain(records: Iterable[dict], limit: int) -> list[dict]:
    """The ``limit`` records to review first: those in the review band, then those closest to
    0.5; failed documents are left out (they have no score)."""
    heap: list = []
    for n, record in enumerate(records):
        if record.get("error") or "military_prob" not in record:
            continue
        key = (record["flag"] == "review", -abs(record["military_prob"] - 0.5), -n)
        row = {"id": record["id"], "text": record.pop("_text", ""), "label": None,
               "military_prob": record["military_prob"], "flag": record["flag"],
               "technologies": sorted({m["term"] for m in record["mentions"]}), "source": record["source"]}
        item = (key, row)
        if len(heap) < limit:
            heapq.heappush(heap, item)
        else:
            heapq.heappushpop(heap, item)
    return [row for _, row in sorted(heap, key=lambda kr: kr[0], reverse=True)]
