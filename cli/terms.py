"""`dualuse terms` as a function: search the taxonomy."""

from __future__ import annotations

from typing import Optional


def find_terms(query: Optional[str] = None, *, family: Optional[str] = None, taxonomy=None) -> list[dict]:
    from dualuse.model.taxonomy import default_taxonomy

    taxonomy = taxonomy or default_taxonomy()
    needle = query.lower() if query else None
    rows = []
    for e in taxonomy.entries:
        if family and e.label != family:
            continue
        haystack = [e.id, e.name, e.label, e.category or "", *e.patterns, *e.context_patterns]
        if needle and not any(needle in h.lower() for h in haystack):
            continue
        row = {"id": e.id, "name": e.name, "family": e.label, "category": e.category,
               "patterns": list(e.patterns), "source": e.source}
        if e.context_patterns:  # shown as "SRM (near rocket, propellant, ...)"
            row["context_patterns"], row["context"] = list(e.context_patterns), list(e.context)
        rows.append(row)
    return rows
